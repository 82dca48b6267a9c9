import { describe, expect, it } from 'vitest'
import { createMemoryStreamStore } from '../../relay/streams/memory'
import { CONTRACT_LIMITS, describeStreamStoreContract, entries, freshKey, readAll } from './stream-store-contract'

describeStreamStoreContract('memory', {
  create: async limits => createMemoryStreamStore({ ...CONTRACT_LIMITS, maxTotalBytes: 10_000_000, ...limits }),
})

describe('memory stream store', () => {
  it('drops the oldest finished streams to stay under its total bound', async () => {
    const store = createMemoryStreamStore({ ...CONTRACT_LIMITS, maxTotalBytes: 2500 })
    const keys = [freshKey(), freshKey(), freshKey()]
    for (const key of keys) {
      const lease = (await store.claim(key))!
      await store.append(lease, entries(1, 1, () => 'x'.repeat(1000)))
      await store.finish(lease)
    }
    expect(await store.read(keys[0]!, 0, new AbortController().signal)).toBeNull()
    expect((await readAll(store, keys[2]!)).map(e => e.id)).toEqual([1])
  })

  it('keeps nothing of a stream once its TTL has passed', async () => {
    let time = 0
    const store = createMemoryStreamStore({ ...CONTRACT_LIMITS, ttlMs: 1000, maxTotalBytes: 10_000, now: () => time })
    for (let i = 0; i < 50; i++) {
      const lease = (await store.claim(`k${i}`))!
      await store.append(lease, entries(1, 1, () => 'x'.repeat(100)))
      await store.finish(lease)
    }
    time = 1001
    for (let i = 0; i < 50; i++)
      expect(await store.read(`k${i}`, 0, new AbortController().signal)).toBeNull()
    // Nothing leaked: the whole total bound is free again.
    const lease = (await store.claim('big'))!
    await expect(store.append(lease, entries(1, 1, () => 'x'.repeat(9_999)))).resolves.toBeUndefined()
  })
})
