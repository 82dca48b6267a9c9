import type { ChatMessage, Usage } from './protocol'
import type { Target } from './routing'

export interface UsageRecord {
  prompt: number
  completion: number
  cached: number
  /** True when the upstream reported no usage and these are the relay's estimates. */
  estimated: boolean
  /** USD, or null when the model has no configured price. */
  costUsd: number | null
}

/**
 * A rough token count for text the upstream gave no usage for: about four
 * characters per token in Latin scripts, one per character in Hangul and CJK.
 */
export function estimateTokens(characters: CharacterCount): number {
  return Math.ceil(characters.ascii / 4 + characters.other)
}

export interface CharacterCount { ascii: number, other: number }

/** Adds the characters of `text` to `count`, for {@link estimateTokens}. */
export function countCharacters(text: string, count: CharacterCount = { ascii: 0, other: 0 }): CharacterCount {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) < 128)
      count.ascii++
    else
      count.other++
  }
  return count
}

/** The characters of a prompt, for {@link estimateTokens}. */
export function promptCharacters(messages: readonly ChatMessage[]): CharacterCount {
  const count = { ascii: 0, other: 0 }
  for (const message of messages)
    countCharacters(typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? ''), count)
  return count
}

/** Usage of one answer with its cost, from the upstream's report or else estimated. */
export function usageRecord(reported: Usage | null, estimate: { prompt: number, completion: number }, pricing: Target['pricing']): UsageRecord {
  const prompt = reported?.prompt_tokens ?? estimate.prompt
  const completion = reported?.completion_tokens ?? estimate.completion
  const cached = reported?.prompt_tokens_details?.cached_tokens ?? 0
  return { prompt, completion, cached, estimated: reported === null, costUsd: pricing ? costUsd({ prompt, completion, cached }, pricing) : null }
}

/** USD for the tokens at prices per 1M tokens; cached prompt tokens at the cached price when there is one. */
export function costUsd(tokens: { prompt: number, completion: number, cached: number }, pricing: NonNullable<Target['pricing']>): number {
  const cachedPrice = pricing.cachedInput ?? pricing.input
  return ((tokens.prompt - tokens.cached) * pricing.input + tokens.cached * cachedPrice + tokens.completion * pricing.output) / 1_000_000
}
