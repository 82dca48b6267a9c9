import type { EventSourceMessage } from 'eventsource-parser'
import { describe, expect, it } from 'vitest'
import { UpstreamError } from '../../relay/errors'
import { readEvents } from '../../relay/upstream/events'
import { bodyOf, cutAt, seededRandom } from '../fixtures/chunking'

const encoder = new TextEncoder()

async function batchesOf(body: ReadableStream<Uint8Array>, maxEventChars?: number): Promise<string[][]> {
  const reader = readEvents(body, maxEventChars)
  const batches: string[][] = []
  for (let events = await reader.next(); events; events = await reader.next())
    batches.push(events.map(event => event.data))
  return batches
}

describe('readEvents', () => {
  it('hands out the events of one read together, and null once the body has ended', async () => {
    const reader = readEvents(bodyOf(['data: a\n\ndata: b\n\n', 'data: c\n\n']))

    expect((await reader.next())?.map(event => event.data)).toEqual(['a', 'b'])
    expect((await reader.next())?.map(event => event.data)).toEqual(['c'])
    expect(await reader.next()).toBeNull()
    expect(await reader.next()).toBeNull()
  })

  it('never hands out an empty batch: reads that complete no event are read past', async () => {
    expect(await batchesOf(bodyOf(['data: he', 'llo', '\n', '\n', ': comment\n\n', 'data: x\n\n']))).toEqual([['hello'], ['x']])
  })

  it('keeps the event type and id, and drops an event left without its blank line at the end', async () => {
    const reader = readEvents(bodyOf(['event: error\nid: 7\ndata: {}\n\ndata: cut off']))
    const events = await reader.next()

    expect(events).toEqual([{ event: 'error', id: '7', data: '{}' } satisfies EventSourceMessage])
    expect(await reader.next()).toBeNull()
  })

  it('gives the events before an over-long one, then fails with a protocol error', async () => {
    const reader = readEvents(bodyOf([`data: ok\n\ndata: ${'x'.repeat(100)}`, 'y'.repeat(100)]), 64)

    expect((await reader.next())?.map(event => event.data)).toEqual(['ok'])
    const failure = await reader.next().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(UpstreamError)
    expect(failure).toMatchObject({ type: 'protocol' })
  })

  it('gives the same events however the body was cut (50 seeded random chunkings)', async () => {
    const bytes = encoder.encode('\uFEFFdata: 한국어 🌏\r\n\r\n: hi\n\ndata:one\ndata: two\n\rdata: 끝\n\n')
    const random = seededRandom(11)

    for (let iteration = 0; iteration < 50; iteration++) {
      const cuts = Array.from({ length: 1 + Math.floor(random() * 30) }, () => Math.floor(random() * bytes.length))
      const batches = await batchesOf(bodyOf(cutAt(bytes, cuts)))
      expect(batches.flat(), `cuts ${cuts.join(',')}`).toEqual(['한국어 🌏', 'one\ntwo', '끝'])
      expect(batches.every(batch => batch.length > 0)).toBe(true)
    }
  })
})
