import type { ChatMessage } from '../../../relay/protocol'
import type { ChatMessageRecord } from './types'

/**
 * The conversation as the model should see it: every user turn and every
 * answer the user saw finish (or stopped themselves). Failed or interrupted
 * answers are left out, so a retry does not build on half a sentence.
 */
export function toRequestMessages(messages: readonly ChatMessageRecord[], systemPrompt?: string): ChatMessage[] {
  const history: ChatMessage[] = systemPrompt?.trim() ? [{ role: 'system', content: systemPrompt.trim() }] : []
  for (const message of messages) {
    if (message.role === 'user')
      history.push({ role: 'user', content: message.content })
    else if (message.status === 'done' && message.content)
      history.push({ role: 'assistant', content: message.content })
  }
  return history
}

/** The request to finish an interrupted answer: the partial text as the assistant's turn, and a plea to go on. */
export function continuationOf(history: ChatMessage[], partial: string): ChatMessage[] {
  return [
    ...history,
    { role: 'assistant', content: partial },
    { role: 'user', content: 'Your previous answer was cut off. Continue exactly where it stopped, without repeating anything.' },
  ]
}

const TITLE_LENGTH = 40

/** A short title from the first question: its first line, cut at a word near 40 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? ''
  // Count code points, so an emoji at the cut is kept whole.
  const chars = Array.from(line)
  if (chars.length <= TITLE_LENGTH)
    return line
  // One character more, so a word ending exactly at the limit is kept.
  const head = chars.slice(0, TITLE_LENGTH + 1).join('')
  const space = head.lastIndexOf(' ')
  const cut = space > TITLE_LENGTH / 2 ? head.slice(0, space) : chars.slice(0, TITLE_LENGTH).join('')
  return `${cut.trimEnd()}…`
}
