import type { ChatMessageRecord } from './types'

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

/** What the details of an answer show: who answered, how fast, how many tokens. */
export function answerStats(message: ChatMessageRecord): AnswerStats {
  const { timing, usage } = message
  const completionTokens = usage?.completion_tokens ?? (message.content ? estimateTokens(message.content) : undefined)
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
  let ascii = 0
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128)
      ascii++
  }
  return Math.ceil(ascii / 4 + (text.length - ascii))
}
