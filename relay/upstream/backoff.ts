import { UpstreamError } from '../errors'

export interface RetryPolicy {
  maxAttempts: number
  budgetMs: number
  baseDelayMs: number
  maxDelayMs: number
}

/** What to do after a failed attempt that sent nothing to the client yet. */
export type RetryDecision = 'retry' | 'next-model' | 'give-up'

/**
 * Retry the same model on overload and transient faults; move on to the next
 * model when this one cannot serve (its key or the model is refused); give up
 * when the request itself is wrong, since every model would refuse it.
 */
export function decideRetry(error: UpstreamError): RetryDecision {
  if (error.type !== 'http' || error.details.code === 'upstream_stream_error')
    return 'retry'
  const status = error.details.status ?? 502
  if (status === 408 || status === 409 || status === 429 || status >= 500)
    return 'retry'
  if (status === 401 || status === 403 || status === 404)
    return 'next-model'
  return 'give-up'
}

/** Full-jitter exponential backoff: a random delay up to base * 2^attempt, capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt))
}

/** `Retry-After` in milliseconds: delta seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number = Date.now()): number | null {
  if (!header)
    return null
  if (/^\d+$/.test(header.trim()))
    return Number(header.trim()) * 1000
  const date = Date.parse(header)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/** Anything an attempt threw, as an {@link UpstreamError}. */
export function asUpstreamError(error: unknown): UpstreamError {
  return error instanceof UpstreamError ? error : new UpstreamError('network', 'The connection to the provider failed.')
}
