/**
 * The stream log behind resumable answers: the producer appends every event
 * before any client sees it, and clients read from the log, so a client that
 * comes back (reload, network switch, another relay instance) replays what it
 * missed and follows live without the answer being generated twice.
 */

/** One logged SSE data event; `id` is its position in the stream, counting from 1. */
export interface LogEntry {
  id: number
  data: string
}

export type StreamStoreErrorType
  /** The producer's lease lapsed while the stream was unfinished: nobody will write to it again. */
  = | 'producer_lost'
  /** Another producer holds the key now; this one must stop writing (fencing). */
    | 'lease_lost'
  /** The stream outgrew the per-stream or total bound. */
    | 'too_large'
  /** The store itself failed (for example Redis is unreachable). */
    | 'unavailable'

export class StreamStoreError extends Error {
  override name = 'StreamStoreError'
  constructor(readonly type: StreamStoreErrorType, message: string) {
    super(message)
  }
}

/** The right to write one stream, held by the one producer generating it. */
export interface Lease {
  readonly key: string
  /** Aborts when someone asks the stream to stop (from any instance) or the lease is lost; the reason is a StreamStoreError or `'cancelled'`. */
  readonly signal: AbortSignal
}

export interface Presence {
  /** A reader is attached now or detached less than the grace window ago. */
  attached: boolean
  /** Someone asked the stream to stop (also reflected in `lease.signal`). */
  cancelled: boolean
}

export type CancelResult = 'cancelled' | 'finished' | 'unknown'

export interface StreamStoreLimits {
  /** How long a finished stream stays replayable. */
  ttlMs: number
  /** How long an unfinished stream keeps generating with no reader attached. */
  graceMs: number
  /** Largest log of one stream, in bytes of data. */
  maxStreamBytes: number
}

export interface StreamStore {
  /** How often the producer should call `heartbeat`. */
  readonly heartbeatMs: number
  /**
   * Claims `key` for a new generation. Resolves to a lease when the caller
   * must generate, or null when the key is already known (running or
   * finished): then the caller attaches with `read` instead.
   */
  claim: (key: string) => Promise<Lease | null>
  /** Appends entries in id order; rejects with `lease_lost` after a takeover and with `too_large` past the bound. */
  append: (lease: Lease, entries: readonly LogEntry[]) => Promise<void>
  /** Marks the stream finished: replayable for the TTL, then forgotten. Ends every reader after the last entry. */
  finish: (lease: Lease) => Promise<void>
  /** Forgets a stream that logged nothing (its answer never began), so the same key can be tried again. */
  discard: (lease: Lease) => Promise<void>
  /** Keeps the lease alive and reports whether anyone is still reading. */
  heartbeat: (lease: Lease) => Promise<Presence>
  /**
   * Entries strictly after `afterId`, then live ones as they are appended, in
   * batches; the iteration ends after the last entry of a finished stream and
   * throws `producer_lost` when an unfinished stream's producer vanished.
   * While iterating, the caller counts as an attached reader. Resolves to
   * null for a key the store does not know (never claimed, or expired).
   */
  read: (key: string, afterId: number, signal: AbortSignal) => Promise<AsyncIterable<LogEntry[]> | null>
  /** Asks the producer of `key` to stop now. */
  cancel: (key: string) => Promise<CancelResult>
  /** Releases timers and connections. */
  close: () => Promise<void>
}
