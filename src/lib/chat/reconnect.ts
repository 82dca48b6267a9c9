import type { ChatError } from './errors'

/** Reconnection attempts before an answer is given up as interrupted. */
export const MAX_RECONNECTS = 8

/**
 * Failures of the connection, not of the answer: the relay keeps generating
 * into its stream log, so the same Idempotency-Key picks the answer up again.
 * An error frame, a 4xx or a 410 is the answer's own ending and final.
 */
export function canReconnect(error: ChatError): boolean {
  return error.code === 'network_error'
    || error.code === 'connection_lost'
    || error.code === 'shutting_down'
    // A proxy in front of a restarting relay answers with its own 502 to 504 page.
    || /^http_50[234]$/.test(error.code)
}

/** Jittered exponential backoff: about 0.5 s, 1 s, 2 s … up to 8 s, so many tabs do not return at once. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(8000, 500 * 2 ** attempt)
  return Math.round(base / 2 + random() * base / 2)
}

/** Errors that leave a partial answer worth continuing rather than a failure to retry. */
export function endsAsInterrupted(code: string): boolean {
  return code === 'stream_expired' || code === 'stream_abandoned' || code === 'producer_lost'
    || code === 'stream_too_long' || code === 'stream_store_unavailable' || code === 'connection_lost' || code === 'network_error'
}
