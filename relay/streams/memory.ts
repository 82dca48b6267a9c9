import type { CancelResult, Lease, LogEntry, Presence, StreamStore, StreamStoreLimits } from './store'
import { StreamStoreError } from './store'

export interface MemoryStreamStoreOptions extends StreamStoreLimits {
  /** Bound on all logs together; finished streams are dropped oldest first to stay under it. */
  maxTotalBytes: number
  now?: () => number
}

interface StreamLog {
  entries: LogEntry[]
  bytes: number
  finished: boolean
  lease: MemoryLease | null
  readers: number
  /** When the last reader left; the grace window counts from here. */
  detachedAt: number
  /** Resolves the readers waiting for more entries. */
  wake: () => void
  changed: Promise<void>
}

interface MemoryLease extends Lease {
  controller: AbortController
}

/**
 * The default stream store: one process, no dependencies. Finished streams
 * are kept in finishing order, which with one TTL is also expiry order, so
 * dropping expired ones is a walk from the front of a Map.
 */
export function createMemoryStreamStore(options: MemoryStreamStoreOptions): StreamStore {
  const { now = Date.now } = options
  const logs = new Map<string, StreamLog>()
  /** Finished keys in finishing order, with their expiry. */
  const expiries = new Map<string, number>()
  let totalBytes = 0

  /** Drops expired streams, and finished ones oldest first while `room` more bytes would not fit. */
  function dropExpired(room = 0) {
    const time = now()
    for (const [key, expiresAt] of expiries) {
      if (expiresAt > time && totalBytes + room <= options.maxTotalBytes)
        break
      forget(key)
    }
  }

  function forget(key: string) {
    const log = logs.get(key)
    if (log)
      totalBytes -= log.bytes
    logs.delete(key)
    expiries.delete(key)
  }

  function live(key: string): StreamLog | undefined {
    dropExpired()
    return logs.get(key)
  }

  function signalChange(log: StreamLog) {
    const wake = log.wake
    log.changed = new Promise(resolve => (log.wake = resolve))
    wake()
  }

  function owned(lease: Lease): StreamLog {
    const log = logs.get(lease.key)
    if (!log || log.lease !== lease)
      throw new StreamStoreError('lease_lost', 'This stream is no longer written by this producer.')
    return log
  }

  return {
    heartbeatMs: Math.max(50, Math.min(1000, options.graceMs / 4)),

    async claim(key) {
      if (live(key))
        return null
      const controller = new AbortController()
      const lease: MemoryLease = { key, signal: controller.signal, controller }
      const log: StreamLog = { entries: [], bytes: 0, finished: false, lease, readers: 0, detachedAt: now(), wake: () => {}, changed: Promise.resolve() }
      log.changed = new Promise(resolve => (log.wake = resolve))
      logs.set(key, log)
      return lease
    },

    async append(lease, entries) {
      const log = owned(lease)
      let bytes = 0
      for (const entry of entries)
        bytes += entry.data.length
      if (log.bytes + bytes > options.maxStreamBytes)
        throw new StreamStoreError('too_large', `The answer outgrew the relay's ${options.maxStreamBytes}-byte stream log.`)
      if (totalBytes + bytes > options.maxTotalBytes) {
        dropExpired(bytes)
        if (totalBytes + bytes > options.maxTotalBytes)
          throw new StreamStoreError('too_large', 'The relay has no room left for stream logs.')
      }
      log.entries.push(...entries)
      log.bytes += bytes
      totalBytes += bytes
      signalChange(log)
    },

    async finish(lease) {
      const log = owned(lease)
      log.finished = true
      log.lease = null
      expiries.set(lease.key, now() + options.ttlMs)
      signalChange(log)
    },

    async discard(lease) {
      const log = owned(lease)
      forget(lease.key)
      log.finished = true
      signalChange(log)
    },

    async heartbeat(lease): Promise<Presence> {
      const log = owned(lease)
      return {
        attached: log.readers > 0 || now() - log.detachedAt < options.graceMs,
        cancelled: lease.signal.aborted,
      }
    },

    async read(key, afterId, signal) {
      const log = live(key)
      if (!log)
        return null
      return follow(log, afterId, signal)
    },

    async cancel(key): Promise<CancelResult> {
      const log = live(key)
      if (!log)
        return 'unknown'
      if (log.finished || !log.lease)
        return 'finished'
      log.lease.controller.abort('cancelled')
      return 'cancelled'
    },

    async close() {
      for (const log of logs.values())
        log.lease?.controller.abort(new StreamStoreError('producer_lost', 'The relay is shutting down.'))
      logs.clear()
      expiries.clear()
      totalBytes = 0
    },
  }

  async function* follow(log: StreamLog, afterId: number, signal: AbortSignal): AsyncGenerator<LogEntry[]> {
    log.readers++
    const aborted = new Promise<void>(resolve => signal.addEventListener('abort', () => resolve(), { once: true }))
    let next = Math.max(0, afterId)
    try {
      while (!signal.aborted) {
        if (log.entries.length > next) {
          const batch = log.entries.slice(next)
          next = log.entries.length
          yield batch
          continue
        }
        if (log.finished)
          return
        await Promise.race([log.changed, aborted])
      }
    }
    finally {
      log.readers--
      if (log.readers === 0)
        log.detachedAt = now()
    }
  }
}
