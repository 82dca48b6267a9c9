import type { LogEntry, StreamStore, StreamStoreLimits } from '../../relay/streams/store'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { StreamStoreError } from '../../relay/streams/store'
import { seededRandom } from '../fixtures/chunking'

export interface ContractOptions {
  /** A fresh store over the same backend each call; `limits` override the defaults below. */
  create: (limits?: Partial<StreamStoreLimits>) => Promise<StreamStore>
}

export const CONTRACT_LIMITS: StreamStoreLimits = { ttlMs: 60_000, graceMs: 60_000, maxStreamBytes: 1_000_000 }

let keyCounter = 0
/** Keys unique across runs, so stores over a shared backend never see each other's leftovers. */
export function freshKey(): string {
  return `contract-${Date.now().toString(36)}-${(keyCounter++).toString(36)}-${Math.random().toString(36).slice(2)}`
}

export function entries(from: number, to: number, text = (id: number) => `{"n":${id}}`): LogEntry[] {
  const list: LogEntry[] = []
  for (let id = from; id <= to; id++)
    list.push({ id, data: text(id) })
  return list
}

/** Reads until the iteration ends, returning the ids seen. */
export async function readAll(store: StreamStore, key: string, afterId = 0, signal = new AbortController().signal): Promise<LogEntry[]> {
  const iterable = await store.read(key, afterId, signal)
  if (!iterable)
    throw new Error(`unknown key ${key}`)
  const seen: LogEntry[] = []
  for await (const batch of iterable)
    seen.push(...batch)
  return seen
}

/** The behaviour every StreamStore keeps; run against each implementation. */
export function describeStreamStoreContract(name: string, options: ContractOptions): void {
  describe(`StreamStore contract: ${name}`, () => {
    const opened: StreamStore[] = []
    async function store(limits?: Partial<StreamStoreLimits>) {
      const created = await options.create(limits)
      opened.push(created)
      return created
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map(s => s.close()))
    })

    it('gives the first claim of a key a lease and every later claim none, running or finished', async () => {
      const s = await store()
      const key = freshKey()
      const lease = await s.claim(key)
      expect(lease?.key).toBe(key)
      expect(await s.claim(key)).toBeNull()
      await s.finish(lease!)
      expect(await s.claim(key)).toBeNull()
    })

    it('hands out exactly one lease when many claim the same key at once', async () => {
      const s = await store()
      const key = freshKey()
      const leases = await Promise.all(Array.from({ length: 8 }, () => s.claim(key)))
      expect(leases.filter(Boolean)).toHaveLength(1)
    })

    it('knows nothing of a key that was never claimed', async () => {
      const s = await store()
      expect(await s.read(freshKey(), 0, new AbortController().signal)).toBeNull()
      expect(await s.cancel(freshKey())).toBe('unknown')
    })

    it('replays strictly after the given id, then follows live appends until the stream finishes', async () => {
      const s = await store()
      const key = freshKey()
      const lease = (await s.claim(key))!
      await s.append(lease, entries(1, 3))
      const reading = readAll(s, key, 1)
      await s.append(lease, entries(4, 5))
      await s.append(lease, entries(6, 6, () => '[DONE]'))
      await s.finish(lease)
      const seen = await reading
      expect(seen.map(e => e.id)).toEqual([2, 3, 4, 5, 6])
      expect(seen.at(-1)?.data).toBe('[DONE]')
      expect(seen[0]?.data).toBe('{"n":2}')
    })

    it('keeps data exactly, including multi-line, non-ASCII and large entries', async () => {
      const s = await store()
      const key = freshKey()
      const lease = (await s.claim(key))!
      const odd = ['{"content":"안녕하세요 👋"}', 'line one\nline two', 'x'.repeat(70_000), '']
      await s.append(lease, odd.map((data, i) => ({ id: i + 1, data })))
      await s.finish(lease)
      expect((await readAll(s, key)).map(e => e.data)).toEqual(odd)
    })

    it('gives every reader every entry, whenever it attached', async () => {
      const s = await store()
      const key = freshKey()
      const lease = (await s.claim(key))!
      const random = seededRandom(7)
      const readers: Promise<LogEntry[]>[] = []
      for (let id = 1; id <= 60; id++) {
        if (random() < 0.1) {
          const after = Math.floor(random() * id)
          readers.push(readAll(s, key, after).then(seen => seen.map(e => ({ ...e, data: String(after) }))))
        }
        await s.append(lease, entries(id, id))
      }
      await s.finish(lease)
      for (const seen of await Promise.all(readers)) {
        const after = Number(seen[0]?.data ?? 0)
        expect(seen.map(e => e.id)).toEqual(entries(after + 1, 60).map(e => e.id))
      }
    })

    it('ends a reader whose signal aborts, without waiting for more entries', async () => {
      const s = await store()
      const key = freshKey()
      await s.claim(key)
      const stop = new AbortController()
      const reading = readAll(s, key, 0, stop.signal)
      stop.abort()
      await expect(reading).resolves.toEqual([])
    })

    it('forgets a discarded stream, so its key can be claimed again, and ends its readers', async () => {
      const s = await store()
      const key = freshKey()
      const lease = (await s.claim(key))!
      const reading = readAll(s, key)
      await s.discard(lease)
      await expect(reading).resolves.toEqual([])
      expect(await s.read(key, 0, new AbortController().signal)).toBeNull()
      expect(await s.claim(key)).not.toBeNull()
    })

    it('forgets a finished stream after its TTL', async () => {
      const s = await store({ ttlMs: 200 })
      const key = freshKey()
      const lease = (await s.claim(key))!
      await s.append(lease, entries(1, 2))
      await s.finish(lease)
      expect(await s.read(key, 0, new AbortController().signal)).not.toBeNull()
      await vi.waitFor(async () => expect(await s.read(key, 0, new AbortController().signal)).toBeNull(), { timeout: 5000, interval: 50 })
      expect(await s.claim(key)).not.toBeNull()
    })

    it('stops the producer when someone cancels, and reports finished streams as finished', async () => {
      const s = await store()
      const key = freshKey()
      const lease = (await s.claim(key))!
      expect(await s.cancel(key)).toBe('cancelled')
      await vi.waitFor(() => expect(lease.signal.aborted).toBe(true), { timeout: 2000, interval: 10 })
      expect((await s.heartbeat(lease)).cancelled).toBe(true)
      await s.finish(lease)
      expect(await s.cancel(key)).toBe('finished')
    })

    it('counts a reader as attached while it reads and for the grace window after', async () => {
      const s = await store({ graceMs: 300 })
      const key = freshKey()
      const lease = (await s.claim(key))!
      const stop = new AbortController()
      const iterable = (await s.read(key, 0, stop.signal))!
      const reading = (async () => {
        for await (const _ of iterable) { /* drain */ }
      })()
      await s.append(lease, entries(1, 1))
      expect((await s.heartbeat(lease)).attached).toBe(true)
      stop.abort()
      await reading
      expect((await s.heartbeat(lease)).attached).toBe(true)
      await vi.waitFor(async () => expect((await s.heartbeat(lease)).attached).toBe(false), { timeout: 5000, interval: 50 })
    })

    it('refuses to grow one stream past its bound, and keeps what it has', async () => {
      const s = await store({ maxStreamBytes: 1000 })
      const key = freshKey()
      const lease = (await s.claim(key))!
      await s.append(lease, [{ id: 1, data: 'x'.repeat(600) }])
      const refused = s.append(lease, [{ id: 2, data: 'y'.repeat(600) }])
      await expect(refused).rejects.toBeInstanceOf(StreamStoreError)
      await expect(refused).rejects.toMatchObject({ type: 'too_large' })
      await s.finish(lease)
      expect((await readAll(s, key)).map(e => e.id)).toEqual([1])
    })

    it('refuses writes from a lease it no longer holds', async () => {
      const s = await store()
      const key = freshKey()
      const lease = (await s.claim(key))!
      await s.finish(lease)
      await expect(s.append(lease, entries(1, 1))).rejects.toMatchObject({ type: 'lease_lost' })
    })
  })
}
