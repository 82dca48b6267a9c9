import type { CharacterCount } from '../../../relay/usage'
import type { TextFeed } from './text-feed'
import type { ChatMessageRecord } from './types'
import { countCharacters, estimateTokens as tokensOf } from '../../../relay/usage'

// The relay estimates answers it got no usage for the same way: one formula for both.
export { countCharacters }

export interface AnswerStats {
  model?: string
  /** Time to first token, ms. */
  firstTokenMs?: number
  tokensPerSecond?: number
  promptTokens?: number
  completionTokens?: number
  /** True when the token counts are estimates (the relay reported no usage). */
  estimated: boolean
}

/**
 * What the details of an answer show: who answered, how fast, how many tokens.
 * `completionEstimate` stands for counting the answer's text when the caller already has that count.
 */
export function answerStats(message: ChatMessageRecord, completionEstimate?: number): AnswerStats {
  const { timing, usage } = message
  const completionTokens = usage?.completion_tokens ?? completionEstimate ?? (message.content ? estimateTokens(message.content) : undefined)
  const firstTokenMs = timing?.firstTokenAt !== undefined ? timing.firstTokenAt - timing.sentAt : undefined
  const streamingMs = timing?.firstTokenAt !== undefined && timing.endedAt !== undefined ? timing.endedAt - timing.firstTokenAt : undefined
  return {
    model: message.model,
    firstTokenMs,
    tokensPerSecond: completionTokens !== undefined && streamingMs ? Math.round((completionTokens / streamingMs) * 10_000) / 10 : undefined,
    promptTokens: usage?.prompt_tokens,
    completionTokens,
    estimated: usage === undefined,
  }
}

/** About four Latin characters or one Hangul syllable per token. */
export function estimateTokens(text: string): number {
  return tokensOf(countCharacters(text))
}

/**
 * Estimates the tokens of an answer as it streams, from its text feed, counting
 * only what came since the last call: counting the whole text every frame would
 * read (and copy) all of a long answer 60 times a second.
 */
export function createFeedTokenCounter(): (feed: TextFeed) => number {
  let count: CharacterCount = { ascii: 0, other: 0 }
  let counted = 0
  let current: TextFeed | undefined
  return (feed) => {
    if (feed !== current || feed.length < counted) {
      count = { ascii: 0, other: 0 }
      counted = 0
      current = feed
    }
    countCharacters(feed.since(counted), count)
    counted = feed.length
    return tokensOf(count)
  }
}
