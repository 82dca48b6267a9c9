import type { Context, MiddlewareHandler } from 'hono'
import { RelayError } from '../errors'
import { bearerToken, tokenDigest } from './bearer'

export interface RateLimits {
  /** Sustained rate and largest burst per client; `0` or `Infinity` turns it off. */
  requestsPerMinute: number
  /** Responses of one client open at once; `0` or `Infinity` turns it off. */
  concurrentStreams: number
  /** Most clients remembered at once; past it the least recently seen are forgotten. */
  maxKeys?: number
}

export type Acquired
  = | { ok: true, release: () => void }
    | { ok: false, limit: 'requests' | 'streams', retryAfterSeconds: number }

export interface RateLimiter {
  /** Admits one request of `key` at `now` (ms, monotonic) and holds one stream slot until `release()`. */
  acquire: (key: string, now: number) => Acquired
  /** How many clients are remembered. */
  readonly size: number
}

interface Entry { key: string, tat: number, open: number, older: Entry, newer: Entry }

const MINUTE_MS = 60_000
// Sums of 60000 / n drift by a few ulps; without slack the n-th request of a burst could be refused.
const SLACK_MS = 1e-6
const SWEEP_BUDGET = 4
const EVICT_SCAN = 16

const isOff = (limit: number) => limit === 0 || limit === Infinity

/**
 * Per-client limits as a token bucket in its GCRA form: one number per client (the
 * "theoretical arrival time"), a burst of at most `requestsPerMinute`, refilled evenly
 * over the minute. Unlike a fixed window it never lets 2x through around a boundary.
 * An entry whose bucket is full and has no open stream is identical to a fresh one,
 * so dropping it loses nothing; that is what keeps memory bounded.
 */
export function createRateLimiter(limits: RateLimits): RateLimiter {
  const { requestsPerMinute: rpm, concurrentStreams, maxKeys = 100_000 } = limits
  for (const value of [rpm, concurrentStreams, maxKeys]) {
    if (!(value >= 0))
      throw new RangeError(`Rate limits must be 0, a positive number or Infinity, not ${value}.`)
  }
  const interval = isOff(rpm) ? 0 : MINUTE_MS / rpm
  const tolerance = isOff(rpm) ? Infinity : interval * Math.max(1, rpm)
  const maxOpen = isOff(concurrentStreams) ? Infinity : concurrentStreams
  const entries = new Map<string, Entry>()
  // Least recently seen first, in a linked ring around a sentinel: reading a Map from
  // the front after many deletions walks V8's leftover holes and makes the cap quadratic.
  const ring = { open: 0 } as Entry
  ring.older = ring.newer = ring

  function unlink(entry: Entry): void {
    entry.older.newer = entry.newer
    entry.newer.older = entry.older
  }
  function append(entry: Entry): void {
    entry.older = ring.older
    entry.newer = ring
    ring.older.newer = entry
    ring.older = entry
  }

  // Lazy, amortized cleanup: a few entries per call outpace the one a call may add.
  function sweep(now: number): void {
    for (let budget = SWEEP_BUDGET, entry = ring.newer; budget > 0 && entry !== ring; budget--, entry = ring.newer) {
      if (entry.open === 0 && entry.tat > now)
        return
      unlink(entry)
      if (entry.open === 0)
        entries.delete(entry.key)
      else append(entry) // held only by a long stream: look past it
    }
  }

  // Prefer forgetting a client with no open stream, so that no concurrency count is lost.
  function evictOldest(): void {
    let victim = ring.newer
    for (let scanned = 0; victim.open > 0 && scanned < EVICT_SCAN; scanned++)
      victim = victim.newer
    if (victim === ring || victim.open > 0)
      victim = ring.newer
    unlink(victim)
    entries.delete(victim.key)
  }

  return {
    get size() { return entries.size },
    acquire(key, now) {
      sweep(now)
      let entry = entries.get(key)
      if (entry) {
        unlink(entry)
      }
      else {
        if (entries.size > 0 && entries.size >= maxKeys)
          evictOldest()
        entry = { key, tat: now, open: 0, older: ring, newer: ring }
        entries.set(key, entry)
      }
      append(entry)
      if (entry.open >= maxOpen)
        return { ok: false, limit: 'streams', retryAfterSeconds: 1 }
      const tat = Math.max(entry.tat, now) + interval
      if (tat - now > tolerance + SLACK_MS)
        return { ok: false, limit: 'requests', retryAfterSeconds: Math.max(1, Math.ceil((tat - now - tolerance) / 1000)) }
      entry.tat = tat
      entry.open++
      let released = false
      const release = () => {
        entry.open -= released ? 0 : 1
        released = true
      }
      return { ok: true, release }
    },
  }
}

export interface RateLimitOptions extends RateLimits {
  /** Names the client; see {@link clientKey}. */
  key: (c: Context) => string | Promise<string>
  /** Milliseconds on a clock that never goes back (a wall-clock jump would lock clients out). */
  now?: () => number
}

/**
 * Refuses a client over its request rate or its number of open responses with a 429
 * and `Retry-After`. An event stream holds its slot until its body is read to the
 * end, fails or is cancelled; any other response releases it when the handler returns.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler {
  const { requestsPerMinute: rpm, concurrentStreams, key, now = () => performance.now() } = options
  if (isOff(rpm) && isOff(concurrentStreams))
    return (_c, next) => next()
  const limiter = createRateLimiter(options)
  return async (c, next) => {
    const acquired = limiter.acquire(await key(c), now())
    if (!acquired.ok) {
      const message = acquired.limit === 'requests'
        ? `Too many requests: this client may send ${rpm} requests per minute. Try again in ${acquired.retryAfterSeconds} seconds.`
        : `Too many open responses: this client may have ${concurrentStreams} open at once. Wait for one to finish or stop it.`
      throw new RelayError(429, 'rate_limited', message, acquired.retryAfterSeconds)
    }
    let handedToBody = false
    try {
      await next()
      const body = c.res.body
      if (!c.error && body && c.res.headers.get('Content-Type')?.startsWith('text/event-stream')) {
        c.res = new Response(releaseWhenDone(body, acquired.release), c.res)
        handedToBody = true
      }
    }
    finally {
      if (!handedToBody)
        acquired.release()
    }
  }
}

/** A pass-through body that calls `release` when it ends, fails or is cancelled. */
function releaseWhenDone<T>(body: ReadableStream<T>, release: () => void): ReadableStream<T> {
  const reader = body.getReader()
  return new ReadableStream<T>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read()
        if (!done)
          return controller.enqueue(value)
        release()
        controller.close()
      }
      catch (error) {
        release()
        controller.error(error)
      }
    },
    cancel(reason) {
      release()
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 }) // read upstream only as fast as the client does
}

/**
 * Names a client by its bearer token (`token:` + 12 hex chars of its SHA-256, so no
 * token is kept in memory), else by `ip:` + `clientIp(c)`, else `ip:unknown`.
 * Only for a relay that checks access tokens, and mounted after that check: otherwise
 * anyone gets a fresh bucket per made-up token. Without tokens, key by address alone.
 */
export function clientKey(options: { clientIp: (c: Context) => string | undefined }): (c: Context) => Promise<string> {
  return async (c) => {
    const token = bearerToken(c)
    if (token)
      return `token:${await tokenDigest(token, 6)}`
    // An address is short; a longer "address" (a forged header) must not grow memory.
    return `ip:${options.clientIp(c)?.slice(0, 64) || 'unknown'}`
  }
}
