import type { RedisOptions } from 'ioredis'
import type { StreamScript } from './redis-scripts'
import type { CancelResult, Lease, LogEntry, Presence, StreamStore, StreamStoreLimits } from './store'
import { Redis } from 'ioredis'
import { STREAM_SCRIPTS } from './redis-scripts'
import { StreamStoreError } from './store'

export interface RedisStreamStoreOptions extends StreamStoreLimits {
  /** `REDIS_URL`, for example `redis://:password@host:6379/0`. */
  url: string
  /** How long a producer keeps its lease without a heartbeat or an append; default 5000. */
  leaseMs?: number
  /** The fallback poll for readers when a pub/sub wake-up is lost; default 1000. */
  pollMs?: number
  /** Prefix of every key and channel; default `sori:`. */
  prefix?: string
  /** Makes the two connections; tests pass one that keeps them, to cut them off as a crash would. */
  createClient?: (url: string, options: RedisOptions) => Redis
}

/** The keys and channel of one stream; see redis-scripts.ts for what each holds. */
interface StreamKeys {
  key: string
  all: [meta: string, log: string, lease: string, seen: string]
  channel: string
}

/** What this instance does with one stream: its readers and the lease it may hold. */
interface Local {
  keys: StreamKeys
  /** Readers plus a held lease: while any, the instance listens on the stream's channel. */
  users: number
  readers: number
  lease: HeldLease | undefined
  subscribed: Promise<unknown>
  /** Resolved (and replaced) on every wake-up, pub/sub or poll. */
  changed: Promise<void>
  wake: () => void
}

interface HeldLease {
  lease: Lease
  controller: AbortController
  token: string
  local: Local
  held: boolean
}

/** Entries per read round trip: big enough for a fast replay, small enough not to stall Redis. */
const BATCH = 256
/** A command that hangs this long is a Redis that is gone, not one that is slow. */
const COMMAND_TIMEOUT_MS = 5000

/**
 * A StreamStore shared by every relay instance through Redis: the log is a
 * Redis Stream, the producer holds a fenced lease it renews by heartbeat, and
 * readers wait on pub/sub (one subscriber connection per instance, whatever
 * the number of readers) with a slow poll behind it for lost messages and for
 * noticing a producer that died. Resolves once both connections are ready;
 * rejects with `unavailable` when Redis cannot be reached.
 */
export async function createRedisStreamStore(options: RedisStreamStoreOptions): Promise<StreamStore> {
  const { ttlMs, graceMs, maxStreamBytes, leaseMs = 5000, pollMs = 1000, prefix = 'sori:' } = options
  if (!(leaseMs > 0 && pollMs > 0))
    throw new RangeError('leaseMs and pollMs must be positive.')
  const createClient = options.createClient ?? ((url, clientOptions) => new Redis(url, clientOptions))
  const redis = describeRedis(options.url)
  /** How long a running stream's keys outlive its last sign of life: long enough for readers to see the producer is gone. */
  const liveTtlMs = Math.max(ttlMs, 2 * leaseMs, graceMs)
  /** How far ahead a reading instance marks itself present; the poll renews it well before then. */
  const attachedMs = graceMs + 2 * pollMs
  const instance = crypto.randomUUID()

  const clientOptions: RedisOptions = {
    lazyConnect: true,
    // A command caught by a dropped connection fails instead of being sent again:
    // a resent append could land twice, and callers decide what to retry.
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: times => Math.min(50 * 2 ** times, 2000),
  }
  const main = createClient(options.url, { ...clientOptions, connectionName: 'sori-streams', scripts: STREAM_SCRIPTS })
  const sub = createClient(options.url, { ...clientOptions, connectionName: 'sori-streams-sub', commandTimeout: undefined })
  // Failures reach callers through the commands that hit them; without a
  // listener ioredis would print every reconnect attempt.
  main.on('error', () => {})
  sub.on('error', () => {})
  try {
    await Promise.all([main.connect(), sub.connect()])
  }
  catch (error) {
    main.disconnect()
    sub.disconnect()
    throw unavailable(error)
  }

  const locals = new Map<string, Local>()
  const leases = new WeakMap<Lease, HeldLease>()
  const held = new Set<HeldLease>()
  /** Wakes every waiting reader when the store closes. */
  const onClose = new Set<() => void>()
  let closed = false

  sub.on('message', (channel: string, message: string) => {
    const local = locals.get(channel)
    if (!local)
      return
    if (message === 'c' && local.lease)
      abortLease(local.lease, 'cancelled')
    wake(local)
  })
  // Messages sent while the subscriber was reconnecting are lost: look again.
  sub.on('ready', () => locals.forEach(wake))

  const poll = setInterval(() => {
    for (const local of locals.values()) {
      wake(local)
      if (local.readers > 0)
        markPresent(local, attachedMs)
    }
  }, pollMs)

  function unavailable(error: unknown): StreamStoreError {
    if (error instanceof StreamStoreError)
      return error
    const message = error instanceof Error ? error.message : String(error)
    return new StreamStoreError('unavailable', `The Redis stream store at ${redis.where} failed: ${redis.redact(message)}`)
  }

  /** Runs a command, turning every Redis failure into `unavailable`. */
  async function run<T>(command: () => Promise<T>): Promise<T> {
    if (closed)
      throw new StreamStoreError('unavailable', 'The Redis stream store is closed.')
    try {
      return await command()
    }
    catch (error) {
      throw unavailable(error)
    }
  }

  function script(name: StreamScript, keys: StreamKeys, ...args: (string | number)[]): Promise<unknown> {
    // ioredis adds a method per script (sending EVAL once per connection, then EVALSHA);
    // its types cannot know about them.
    const call = (main as unknown as Record<StreamScript, (...a: (string | number)[]) => Promise<unknown>>)[name]
    return call.call(main, ...keys.all, keys.channel, ...args)
  }

  function keysOf(key: string): StreamKeys {
    // The hash tag keeps one stream's keys on one Cluster slot, as scripts need.
    const base = `${prefix}{${key}}`
    return { key, all: [`${base}:meta`, `${base}:log`, `${base}:lease`, `${base}:seen`], channel: `${base}:ev` }
  }

  /** Starts (or joins) listening on a stream's channel; pair with `leave`. */
  function enter(keys: StreamKeys): Local {
    let local = locals.get(keys.channel)
    if (!local) {
      const created: Local = { keys, users: 0, readers: 0, lease: undefined, subscribed: sub.subscribe(keys.channel), changed: Promise.resolve(), wake: () => {} }
      created.subscribed.catch(() => {})
      created.changed = new Promise(resolve => (created.wake = resolve))
      locals.set(keys.channel, created)
      local = created
    }
    local.users++
    return local
  }

  function leave(local: Local) {
    if (--local.users > 0 || locals.get(local.keys.channel) !== local)
      return
    locals.delete(local.keys.channel)
    // A later `enter` subscribes again after this on the same connection, so order holds.
    if (!closed)
      sub.unsubscribe(local.keys.channel).catch(() => {})
  }

  function wake(local: Local) {
    const resolve = local.wake
    local.changed = new Promise(next => (local.wake = next))
    resolve()
  }

  function markPresent(local: Local, forMs: number) {
    if (!closed)
      script('soriPresence', local.keys, instance, forMs, liveTtlMs).catch(() => {})
  }

  function abortLease(state: HeldLease, reason: unknown) {
    if (!state.controller.signal.aborted)
      state.controller.abort(reason)
  }

  /** Stops tracking a lease this instance no longer writes with. */
  function drop(state: HeldLease) {
    if (!state.held)
      return
    state.held = false
    held.delete(state)
    if (state.local.lease === state)
      state.local.lease = undefined
    leave(state.local)
  }

  function lost(state: HeldLease): StreamStoreError {
    const error = new StreamStoreError('lease_lost', 'This stream is no longer written by this producer.')
    abortLease(state, error)
    drop(state)
    return error
  }

  function owned(lease: Lease): HeldLease {
    const state = leases.get(lease)
    if (!state?.held)
      throw new StreamStoreError('lease_lost', 'This stream is no longer written by this producer.')
    return state
  }

  /** Waits for `changed` (a wake-up), the reader's signal, or the store closing, whichever is first. */
  function waitFor(changed: Promise<void>, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted || closed)
        return resolve()
      const done = () => {
        signal.removeEventListener('abort', done)
        onClose.delete(done)
        resolve()
      }
      signal.addEventListener('abort', done, { once: true })
      onClose.add(done)
      void changed.then(done)
    })
  }

  async function* follow(keys: StreamKeys, afterId: number, signal: AbortSignal): AsyncGenerator<LogEntry[]> {
    // Counted before the first await, so presence is sent ahead of any later
    // command of this instance (one connection keeps the order).
    const local = enter(keys)
    if (++local.readers === 1)
      markPresent(local, attachedMs)
    let next = afterId
    try {
      // Subscribed before the first read: an append after it is sure to wake us.
      await run(() => local.subscribed)
      while (!signal.aborted) {
        if (closed)
          throw new StreamStoreError('unavailable', 'The Redis stream store closed while reading.')
        // Taken before the read, so a wake-up during it is not missed.
        const changed = local.changed
        const [status, entries] = parseRead(await run(() => script('soriRead', keys, next, BATCH)))
        if (entries.length > 0) {
          next = entries.at(-1)!.id
          yield entries
          if (status === 'finished' && entries.length < BATCH)
            return
          continue
        }
        if (status === 'finished' || status === 'gone')
          return
        if (status === 'lost')
          throw new StreamStoreError('producer_lost', 'The relay generating this answer stopped before it was complete.')
        await waitFor(changed, signal)
      }
    }
    finally {
      if (--local.readers === 0)
        markPresent(local, graceMs)
      leave(local)
    }
  }

  return {
    heartbeatMs: Math.max(20, Math.min(1000, graceMs / 4, leaseMs / 3)),

    async claim(key) {
      const keys = keysOf(key)
      // Listening before the claim, so a cancel right after it is heard.
      const local = enter(keys)
      let claimed = false
      const token = crypto.randomUUID()
      try {
        await run(() => local.subscribed)
        claimed = await run(() => script('soriClaim', keys, token, leaseMs, liveTtlMs, graceMs)) === 1
      }
      finally {
        if (!claimed)
          leave(local)
      }
      if (!claimed)
        return null
      // Only when this instance's own earlier producer lapsed and was taken over.
      if (local.lease)
        lost(local.lease)
      const controller = new AbortController()
      const lease: Lease = { key, signal: controller.signal }
      const state: HeldLease = { lease, controller, token, local, held: true }
      local.lease = state
      leases.set(lease, state)
      held.add(state)
      return lease
    },

    async append(lease, entries) {
      const state = owned(lease)
      const args: (string | number)[] = [state.token, leaseMs, liveTtlMs, maxStreamBytes]
      for (const entry of entries)
        args.push(entry.id, entry.data)
      const result = await run(() => script('soriAppend', state.local.keys, ...args))
      if (result === 'lease_lost')
        throw lost(state)
      if (result === 'too_large')
        throw new StreamStoreError('too_large', `The answer outgrew the relay's ${maxStreamBytes}-byte stream log.`)
      if (result === 'out_of_order')
        throw new Error(`Stream entries must have whole ids above the last one logged; got ${entries.map(e => e.id).join(', ')}.`)
    },

    async finish(lease) {
      const state = owned(lease)
      if (await run(() => script('soriFinish', state.local.keys, state.token, ttlMs)) === 'lease_lost')
        throw lost(state)
      drop(state)
    },

    async discard(lease) {
      const state = owned(lease)
      if (await run(() => script('soriDiscard', state.local.keys, state.token)) === 'lease_lost')
        throw lost(state)
      drop(state)
    },

    async heartbeat(lease): Promise<Presence> {
      const state = owned(lease)
      const [holds, attached, cancelled] = await run(() => script('soriHeartbeat', state.local.keys, state.token, leaseMs, liveTtlMs)) as number[]
      if (holds !== 1)
        throw lost(state)
      // The pub/sub cancel can be lost in a reconnect; this flag cannot.
      if (cancelled === 1)
        abortLease(state, 'cancelled')
      return { attached: attached === 1, cancelled: cancelled === 1 }
    },

    async read(key, afterId, signal) {
      const keys = keysOf(key)
      if (await run(() => main.exists(keys.all[0])) === 0)
        return null
      return follow(keys, Math.max(0, Math.floor(afterId) || 0), signal)
    },

    async cancel(key): Promise<CancelResult> {
      const keys = keysOf(key)
      const result = await run(() => script('soriCancel', keys)) as CancelResult
      // The producer may be here: stop it without waiting for our own message.
      const local = locals.get(keys.channel)
      if (result === 'cancelled' && local?.lease)
        abortLease(local.lease, 'cancelled')
      return result
    },

    async close() {
      if (closed)
        return
      clearInterval(poll)
      // Readers elsewhere learn at once that nobody will finish these streams.
      await Promise.allSettled([...held].map(state => script('soriRelease', state.local.keys, state.token)))
      closed = true
      for (const state of [...held]) {
        abortLease(state, new StreamStoreError('producer_lost', 'The relay is shutting down.'))
        drop(state)
      }
      onClose.forEach(done => done())
      await Promise.allSettled([main.quit(), sub.quit()])
      main.disconnect()
      sub.disconnect()
    },
  }
}

/** Reads the reply of the read script: `[status, [[id, [field, data]], ...]]`. */
function parseRead(reply: unknown): [string, LogEntry[]] {
  const [status, raw] = reply as [string, [string, string[]][]]
  const entries: LogEntry[] = []
  for (const [id, fields] of raw)
    entries.push({ id: Number(id.slice(id.indexOf('-') + 1)), data: fields[1] ?? '' })
  return [status, entries]
}

/** Where Redis is, for messages, and a scrubber that keeps its password out of them. */
function describeRedis(url: string): { where: string, redact: (text: string) => string } {
  let where = 'the configured address'
  const secrets: string[] = []
  try {
    const parsed = new URL(url)
    where = `${parsed.hostname}:${parsed.port || '6379'}`
    if (parsed.password)
      secrets.push(parsed.password, decodeURIComponent(parsed.password))
  }
  catch {
    // Not a URL (a socket path): say nothing about it rather than echo it.
  }
  return {
    where,
    redact: text => secrets.reduce((out, secret) => out.split(secret).join('***'), text),
  }
}
