import type { Conversation } from '../chat/types'
import { threadOf } from '../chat/thread'

/** The words the Markdown export writes; the app passes its localized ones. */
export interface MarkdownLabels {
  user: string
  assistant: string
  /** The heading of a conversation without a title. */
  untitled: string
}

const ENGLISH: MarkdownLabels = { user: 'You', assistant: 'Assistant', untitled: 'New conversation' }

// An opening or closing code fence line, as CommonMark reads it.
const FENCE = /^ {0,3}(`{3,}|~{3,})/

/**
 * The fence a text leaves open, if any. An answer cut off mid-code-block
 * (stopped, interrupted) would otherwise swallow every heading after it.
 */
function openFence(text: string): string | null {
  let open: string | null = null
  for (const line of text.split('\n')) {
    const [start, marker] = FENCE.exec(line) ?? []
    if (!start || !marker)
      continue
    const rest = line.slice(start.length)
    if (open === null) {
      // A backtick fence's info string may not contain backticks (it would be inline code).
      if (!(marker[0] === '`' && rest.includes('`')))
        open = marker
    }
    else if (marker[0] === open[0] && marker.length >= open.length && rest.trim() === '') {
      open = null
    }
  }
  return open
}

/**
 * The branch on screen as a Markdown document: the title as a heading, then
 * each message under a `### You` / `### Assistant` heading. Messages are
 * Markdown already, so they are written as they are (their code blocks stay
 * intact); a code block left open by a cut-off answer is closed. Empty
 * messages (an answer that failed before its first token) are left out.
 */
export function conversationToMarkdown(conversation: Conversation, labels: MarkdownLabels = ENGLISH): string {
  const title = conversation.title.replace(/\s+/g, ' ').trim() || labels.untitled
  const parts = [`# ${title}`]
  for (const message of threadOf(conversation)) {
    const text = message.content.trimEnd()
    if (!text)
      continue
    const fence = openFence(text)
    parts.push(`### ${message.role === 'user' ? labels.user : labels.assistant}`, fence ? `${text}\n${fence}` : text)
  }
  return `${parts.join('\n\n')}\n`
}
