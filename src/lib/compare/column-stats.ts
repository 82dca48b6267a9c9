import type { AnswerStats } from '../chat/answer-stats'
import type { ChatMessageRecord } from '../chat/types'
import type { Micros, PricingTable, ReportedUsage } from '../usage/cost'
import { answerStats } from '../chat/answer-stats'
import { reportedCostMicros, tokenCostMicros } from '../usage/cost'

export interface ColumnStats extends AnswerStats {
  /** Null when the relay reported no cost and the model has no price. */
  costMicros: Micros | null
}

/**
 * An answer's stats while it streams and after: speed counts up to `now`
 * until it ends, the prompt is `promptEstimate` until the relay reports usage,
 * and the cost follows the same rules as the Usage page (the relay's cost
 * first, else the served model's price, else the asked model's).
 * `completionEstimate`: the answer's tokens counted so far, when the caller counts them as they stream.
 */
export function columnStats(message: ChatMessageRecord, now: number, pricing: PricingTable, promptEstimate: number, completionEstimate?: number): ColumnStats {
  const { timing } = message
  const live = message.status === 'streaming' && timing ? { ...message, timing: { ...timing, endedAt: timing.endedAt ?? now } } : message
  const stats = answerStats(live, completionEstimate)
  const price = pricing[message.model ?? ''] ?? pricing[message.requestedModel ?? '']
  const tokens = { input: stats.promptTokens ?? promptEstimate, output: stats.completionTokens ?? 0 }
  const reported = reportedCostMicros(message.usage as ReportedUsage | undefined)
  const costMicros = reported ?? (price && (tokens.output > 0 || message.usage) ? tokenCostMicros(tokens, price) : null)
  return { ...stats, costMicros }
}
