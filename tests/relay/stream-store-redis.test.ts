import type { RedisStreamStoreOptions } from '../../relay/streams/redis'
import type { LogEntry, StreamStore } from '../../relay/streams/store'
import type { RedisServer } from '../fixtures/redis-server'
import { Redis } from 'ioredis'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createRedisStreamStore } from '../../relay/streams/redis'
import { StreamStoreError } from '../../relay/streams/store'
import { freePort, redisServerOrSkip, startRedisServer } from '../fixtures/redis-server'
import { CONTRACT_LIMITS, describeStreamStoreContract, entries, freshKey, readAll } from './stream-store-contract'

const binary = redisServerOrSkip()
/** Short, so lapses and polls happen within a test; generous margins keep a busy machine green. */
const LEASE_MS = 300
const POLL_MS = 100

/** Reads in the background, keeping what arrived and how the iteration ended. */
function follow(store: StreamStore, key: string, signal = new AbortController().signal) {
  const seen: LogEntry[] = []
  const done = (async () => {
    const iterable = await store.read(key, 0, signal)
    if (!iterable)
      throw new Error(`unknown key ${key}`)
    for await (const batch of iterable)
      seen.push(...batch)
    return seen
  })()
  done.catch(() => {})
  return { seen, done }
}

describe.runIf(binary)('redis stream store', () => {
  let server: RedisServer
  let admin: Redis
  beforeAll(async () => {
    server = await startRedisServer(binary!)
    admin = new Redis(server.url)
  })
  afterAll(async () => {
    await admin?.quit()
    await server?.stop()
  })

  describeStreamStoreContract('redis', {
    create: limits => createRedisStreamStore({ url: server.url, ...CONTRACT_LIMITS, leaseMs: 1000, pollMs: 50, ...limits }),
  })

  describe('across instances', () => {
    const opened: StreamStore[] = []
    async function store(options: Partial<RedisStreamStoreOptions> = {}) {
      const created = await createRedisStreamStore({ url: server.url, ...CONTRACT_LIMITS, leaseMs: LEASE_MS, pollMs: POLL_MS, ...options })
      opened.push(created)
      return created
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map(s => s.close()))
    })

    it('lets a reader on another instance follow the producer live, woken by pub/sub rather than the poll', async () => {
      const a = await store({ pollMs: 60_000 })
      const b = await store({ pollMs: 60_000 })
      const key = freshKey()
      const lease = (await a.claim(key))!
      expect(await b.claim(key)).toBeNull()
      const reader = follow(b, key)
      await a.append(lease, entries(1, 2))
      await vi.waitFor(() => expect(reader.seen.map(e => e.id)).toEqual([1, 2]), { timeout: 3000, interval: 10 })
      await a.append(lease, entries(3, 3, () => '[DONE]'))
      await a.finish(lease)
      expect((await reader.done).map(e => e.data)).toEqual(['{"n":1}', '{"n":2}', '[DONE]'])
    })

    it('fences off a producer whose lease lapsed and was taken over: its writes fail with lease_lost', async () => {
      const a = await store()
      const b = await store()
      const key = freshKey()
      const stale = (await a.claim(key))!
      // Nothing logged and no heartbeat: once the lease lapses, B may start the answer afresh.
      let fresh: Awaited<ReturnType<StreamStore['claim']>> = null
      await vi.waitFor(async () => expect(fresh ??= await b.claim(key)).not.toBeNull(), { timeout: 5000, interval: 50 })

      await expect(a.append(stale, entries(1, 1))).rejects.toMatchObject({ type: 'lease_lost' })
      expect(stale.signal.aborted).toBe(true)
      expect(stale.signal.reason).toMatchObject({ type: 'lease_lost' })
      await expect(a.heartbeat(stale)).rejects.toMatchObject({ type: 'lease_lost' })
      await expect(a.finish(stale)).rejects.toMatchObject({ type: 'lease_lost' })

      await b.append(fresh!, entries(1, 1, () => 'from B'))
      await b.finish(fresh!)
      expect((await readAll(a, key)).map(e => e.data)).toEqual(['from B'])
    })

    it('never restarts a stream that logged something: its lapsed producer is fenced off and readers hear producer_lost', async () => {
      const a = await store()
      const b = await store()
      const key = freshKey()
      const lease = (await a.claim(key))!
      await a.append(lease, entries(1, 1))
      await expect(readAll(b, key)).rejects.toMatchObject({ type: 'producer_lost' })
      expect(await b.claim(key)).toBeNull()
      await expect(a.append(lease, entries(2, 2))).rejects.toMatchObject({ type: 'lease_lost' })
    })

    it('tells a reader on another instance producer_lost within the lease time plus a poll when the producer dies', async () => {
      const clients: Redis[] = []
      const a = await store({ createClient: (url, options) => {
        const client = new Redis(url, options)
        clients.push(client)
        return client
      } })
      const b = await store()
      const key = freshKey()
      const lease = (await a.claim(key))!
      const reader = follow(b, key)
      await a.append(lease, entries(1, 2))
      await vi.waitFor(() => expect(reader.seen).toHaveLength(2), { timeout: 3000, interval: 10 })

      // A crash: connections cut with no finish, no release, no further heartbeat.
      const died = Date.now()
      clients.forEach(client => client.disconnect())
      await expect(reader.done).rejects.toMatchObject({ type: 'producer_lost' })
      expect(Date.now() - died).toBeLessThan(LEASE_MS + POLL_MS + 500)
      expect(reader.seen.map(e => e.id)).toEqual([1, 2])
    })

    it('tells readers elsewhere producer_lost at once when the producer\'s instance closes', async () => {
      const a = await store()
      const b = await store({ pollMs: 60_000 })
      const key = freshKey()
      const lease = (await a.claim(key))!
      const reader = follow(b, key)
      await a.append(lease, entries(1, 1))
      await vi.waitFor(() => expect(reader.seen).toHaveLength(1), { timeout: 3000, interval: 10 })
      await a.close()
      expect(lease.signal.reason).toMatchObject({ type: 'producer_lost' })
      await expect(reader.done).rejects.toMatchObject({ type: 'producer_lost' })
    })

    it('stops the producer at once when another instance cancels', async () => {
      // A slow poll and no heartbeat: only the pub/sub message can do it.
      const a = await store({ pollMs: 60_000 })
      const b = await store({ pollMs: 60_000 })
      const key = freshKey()
      const lease = (await a.claim(key))!
      expect(await b.cancel(key)).toBe('cancelled')
      await vi.waitFor(() => expect(lease.signal.aborted).toBe(true), { timeout: 3000, interval: 10 })
      expect(lease.signal.reason).toBe('cancelled')
      expect((await a.heartbeat(lease)).cancelled).toBe(true)
    })

    it('counts a reader on another instance as attached, and lets go after the grace window', async () => {
      const a = await store({ graceMs: 200 })
      const b = await store({ graceMs: 200 })
      const key = freshKey()
      const lease = (await a.claim(key))!
      // First the grace window of the claim itself runs out.
      await vi.waitFor(async () => expect((await a.heartbeat(lease)).attached).toBe(false), { timeout: 5000, interval: 20 })
      const stop = new AbortController()
      const reader = follow(b, key, stop.signal)
      await vi.waitFor(async () => expect((await a.heartbeat(lease)).attached).toBe(true), { timeout: 3000, interval: 20 })
      // Still attached after several grace windows: the reading instance keeps renewing.
      const since = Date.now()
      await vi.waitFor(async () => {
        expect((await a.heartbeat(lease)).attached).toBe(true)
        expect(Date.now() - since).toBeGreaterThan(600)
      }, { timeout: 5000, interval: 50 })
      stop.abort()
      await reader.done
      await vi.waitFor(async () => expect((await a.heartbeat(lease)).attached).toBe(false), { timeout: 5000, interval: 20 })
    })

    it('puts a TTL on every key it writes, running or finished', async () => {
      const prefix = `sori-ttl-${freshKey()}:`
      const a = await store({ prefix, ttlMs: 30_000 })
      const key = freshKey()
      const lease = (await a.claim(key))!
      await a.append(lease, entries(1, 3))
      const stop = new AbortController()
      const reader = follow(a, key, stop.signal)
      await vi.waitFor(() => expect(reader.seen).toHaveLength(3), { timeout: 3000, interval: 10 })
      await a.cancel(key)
      await a.heartbeat(lease)

      const running = await admin.keys(`${prefix}*`)
      expect(running.map(k => k.slice(k.lastIndexOf(':') + 1)).sort()).toEqual(['lease', 'log', 'meta', 'seen'])
      for (const k of running)
        expect(await admin.pttl(k), k).toBeGreaterThan(0)

      await a.finish(lease)
      stop.abort()
      await reader.done
      const finished = await admin.keys(`${prefix}*`)
      expect(finished.length).toBeGreaterThan(0)
      for (const k of finished) {
        const ttl = await admin.pttl(k)
        expect(ttl, k).toBeGreaterThan(0)
        expect(ttl, k).toBeLessThanOrEqual(30_000)
      }
    })

    it('serves 200 readers over its two connections, not one connection per reader', async () => {
      const a = await store()
      const b = await store()
      const connections = async () => String(await admin.client('LIST')).trim().split('\n').length
      // Both stores connect lazily: open their command and subscriber connections before counting.
      for (const s of [a, b]) {
        const warm = freshKey()
        const lease = (await s.claim(warm))!
        const reading = follow(s, warm)
        await s.finish(lease)
        await reading.done
      }
      const before = await connections()
      const keys = Array.from({ length: 20 }, () => freshKey())
      const leases = await Promise.all(keys.map(async key => (await a.claim(key))!))
      const readers = keys.flatMap(key => Array.from({ length: 10 }, () => follow(b, key)))
      await Promise.all(leases.map(lease => a.append(lease, entries(1, 1))))
      await vi.waitFor(() => expect(readers.every(r => r.seen.length === 1)).toBe(true), { timeout: 5000, interval: 20 })

      expect(await connections()).toBe(before)
      await Promise.all(leases.map(async (lease) => {
        await a.append(lease, entries(2, 2))
        await a.finish(lease)
      }))
      for (const reader of readers)
        expect((await reader.done).map(e => e.id)).toEqual([1, 2])
    })

    it('ends its own in-flight reads when it closes', async () => {
      const a = await store()
      const b = await store()
      const key = freshKey()
      await a.claim(key)
      const reader = follow(b, key)
      await vi.waitFor(async () => expect(await admin.pubsub('NUMSUB', `sori:{${key}}:ev`)).toEqual([`sori:{${key}}:ev`, 2]), { timeout: 3000, interval: 10 })
      await b.close()
      await expect(reader.done).rejects.toMatchObject({ type: 'unavailable' })
    })
  })

  describe('when Redis fails', () => {
    it('says the store is unavailable when Redis cannot be reached, without the password', async () => {
      const port = await freePort()
      const failure = createRedisStreamStore({ url: `redis://:s3cret-pw@127.0.0.1:${port}`, ...CONTRACT_LIMITS })
      const error = await failure.then(() => null, (e: unknown) => e)
      expect(error).toBeInstanceOf(StreamStoreError)
      const { type, message } = error as StreamStoreError
      expect(type).toBe('unavailable')
      expect(message).toContain(`127.0.0.1:${port}`)
      expect(message).not.toContain('s3cret-pw')
    })

    it('fails calls with unavailable, not a hang, when Redis goes away', async () => {
      const own = await startRedisServer(binary!)
      const store = await createRedisStreamStore({ url: own.url, ...CONTRACT_LIMITS, leaseMs: LEASE_MS, pollMs: POLL_MS })
      try {
        const key = freshKey()
        const lease = (await store.claim(key))!
        const reader = follow(store, key)
        await own.stop()
        await expect(store.append(lease, entries(1, 1))).rejects.toMatchObject({ type: 'unavailable' })
        await expect(store.claim(freshKey())).rejects.toMatchObject({ type: 'unavailable' })
        await expect(reader.done).rejects.toMatchObject({ type: 'unavailable' })
      }
      finally {
        await store.close()
        await own.stop()
      }
    })
  })
})
