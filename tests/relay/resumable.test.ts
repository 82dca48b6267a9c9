import type { RelayConfig } from '../../relay/config'
import { describe, expect, it, vi } from 'vitest'
import { seededRandom } from '../fixtures/chunking'
import { chatFrames } from '../fixtures/mock-upstream'
import { chatRequest, createTestRelay, dataOf, question } from './harness'

interface WireEvent { id: number, data: string }

/** Reads events until the stream ends or `stopAfter` events arrived, then leaves (cancels the body). */
async function readEvents(response: Response, stopAfter = Number.POSITIVE_INFINITY): Promise<WireEvent[]> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  const events: WireEvent[] = []
  let buffer = ''
  while (events.length < stopAfter) {
    const { done, value } = await reader.read()
    if (done)
      break
    buffer += value
    let end = buffer.indexOf('\n\n')
    while (end >= 0 && events.length < stopAfter) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const id = /^id: (\d+)$/m.exec(block)?.[1]
      if (id)
        events.push({ id: Number(id), data: block.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n') })
      end = buffer.indexOf('\n\n')
    }
  }
  await reader.cancel()
  return events
}

function textOf(events: WireEvent[]): string {
  return events.map((e) => {
    if (e.data === '[DONE]' || e.data.startsWith('{"error"'))
      return ''
    return JSON.parse(e.data).choices?.[0]?.delta?.content ?? ''
  }).join('')
}

const withStreams = (streams: Partial<RelayConfig['streams']>) => (config: RelayConfig): RelayConfig => ({ ...config, streams: { ...config.streams, ...streams } })
const key = (n = 0) => `7c1e0d6a-0000-4000-8000-${String(n).padStart(12, '0')}`
const resumable = (k: string, headers: Record<string, string> = {}) => ({ headers: { 'Idempotency-Key': k, ...headers } })

describe('resumable streams', () => {
  it('numbers events by their position and ends with [DONE], like any stream', async () => {
    const { app } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['안녕', '하세요']) }) })
    const response = await app.request(chatRequest(question(), resumable(key())))
    expect(response.headers.get('x-sori-model')).toBe('gpt-4.1')
    const events = await readEvents(response)
    expect(events.map(e => e.id)).toEqual([1, 2, 3, 4, 5])
    expect(textOf(events)).toBe('안녕하세요')
    expect(events.at(-1)!.data).toBe('[DONE]')
  })

  it('answers a repeated POST with the same key from the log, without asking the upstream again', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['하나', '둘']) }) })
    const first = await (await app.request(chatRequest(question(), resumable(key())))).text()
    const second = await (await app.request(chatRequest(question(), resumable(key())))).text()
    expect(second).toBe(first)
    expect(mock.requests).toHaveLength(1)
  })

  it('replays strictly after Last-Event-ID', async () => {
    const { app } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['a', 'b', 'c']) }) })
    await (await app.request(chatRequest(question(), resumable(key())))).text()
    const rest = await readEvents(await app.request(chatRequest(question(), resumable(key(), { 'Last-Event-ID': '3' }))))
    expect(rest.map(e => e.id)).toEqual([4, 5, 6])
    expect(textOf(rest)).toBe('c')
  })

  it('keeps generating after the client leaves, and a client that comes back gets the rest', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['one ', 'two ', 'three ', 'four']), delayMs: 5 }) })
    const start = await readEvents(await app.request(chatRequest(question(), resumable(key()))), 2)
    expect(mock.requests[0]!.signal.aborted).toBe(false)
    const rest = await readEvents(await app.request(chatRequest(question(), resumable(key(), { 'Last-Event-ID': String(start.at(-1)!.id) }))))
    expect(textOf([...start, ...rest])).toBe('one two three four')
    expect([...start, ...rest].map(e => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7])
    expect(mock.requests).toHaveLength(1)
  })

  it('aborts the upstream when nobody comes back within the grace window, and says so to a late reader', async () => {
    const { app, mock } = createTestRelay({
      script: () => ({ type: 'sse', chunks: chatFrames(['slow'], { finish: false, done: false }), hangAfter: true }),
      configure: withStreams({ graceMs: 200 }),
    })
    await readEvents(await app.request(chatRequest(question(), resumable(key()))), 1)
    await vi.waitFor(() => expect(mock.requests[0]!.signal.aborted).toBe(true), { timeout: 5000 })
    const late = await readEvents(await app.request(chatRequest(question(), resumable(key(), { 'Last-Event-ID': '1' }))))
    expect(JSON.parse(late.at(-1)!.data).error.code).toBe('stream_abandoned')
  })

  it('stops at once on POST /v1/streams/{key}/cancel, ending every reader with a cancelled frame', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['part'], { finish: false, done: false }), hangAfter: true }) })
    const response = await app.request(chatRequest(question(), resumable(key())))
    const reading = readEvents(response)
    const cancel = await app.request(`http://relay.test/v1/streams/${key()}/cancel`, { method: 'POST' })
    expect(cancel.status).toBe(200)
    expect(await cancel.json()).toEqual({ id: key(), status: 'cancelled' })
    const events = await reading
    expect(textOf(events)).toBe('part')
    expect(JSON.parse(events.at(-1)!.data)).toEqual({ error: { message: 'The answer was stopped.', type: 'stream_error', code: 'cancelled' } })
    expect(mock.requests[0]!.signal.aborted).toBe(true)
    const again = await app.request(`http://relay.test/v1/streams/${key()}/cancel`, { method: 'POST' })
    expect(await again.json()).toEqual({ id: key(), status: 'finished' })
  })

  it('answers 404 to a cancel of an unknown key, and keys are private to their access token', async () => {
    const tokens = { RELAY_ACCESS_TOKENS: 'token-aaaaaaaaaaaaaaaa,token-bbbbbbbbbbbbbbbb' }
    const { app, mock } = createTestRelay({ env: tokens, script: () => ({ type: 'sse', chunks: chatFrames(['mine'], { finish: false, done: false }), hangAfter: true }) })
    const as = (token: string) => ({ Authorization: `Bearer ${token}` })
    const response = await app.request(chatRequest(question(), resumable(key(), as('token-aaaaaaaaaaaaaaaa'))))
    const reading = readEvents(response)
    const stranger = await app.request(`http://relay.test/v1/streams/${key()}/cancel`, { method: 'POST', headers: as('token-bbbbbbbbbbbbbbbb') })
    expect(stranger.status).toBe(404)
    expect((await stranger.json()).error.code).toBe('stream_not_found')
    // The same key from another token is another stream, not a way into this one.
    const other = await app.request(chatRequest(question(), resumable(key(), { ...as('token-bbbbbbbbbbbbbbbb'), 'Last-Event-ID': '0' })))
    expect(other.status).toBe(410)
    expect(mock.requests[0]!.signal.aborted).toBe(false)
    await app.request(`http://relay.test/v1/streams/${key()}/cancel`, { method: 'POST', headers: as('token-aaaaaaaaaaaaaaaa') })
    await reading
  })

  it('answers 410 to a resume of a stream it does not know, and starts nothing', async () => {
    const { app, mock } = createTestRelay()
    const response = await app.request(chatRequest(question(), resumable(key(), { 'Last-Event-ID': '12' })))
    expect(response.status).toBe(410)
    expect((await response.json()).error.code).toBe('stream_expired')
    expect(mock.requests).toHaveLength(0)
  })

  it('forgets a finished stream after its TTL', async () => {
    const { app } = createTestRelay({ configure: withStreams({ ttlMs: 100 }) })
    await (await app.request(chatRequest(question(), resumable(key())))).text()
    await vi.waitFor(async () => {
      const response = await app.request(chatRequest(question(), resumable(key(), { 'Last-Event-ID': '1' })))
      expect(response.status).toBe(410)
    }, { timeout: 5000, interval: 50 })
  })

  it('refuses a malformed Idempotency-Key or Last-Event-ID with 400', async () => {
    const { app, mock } = createTestRelay()
    const badKey = await app.request(chatRequest(question(), resumable('has spaces and {braces}')))
    expect(badKey.status).toBe(400)
    expect((await badKey.json()).error.code).toBe('invalid_idempotency_key')
    const badId = await app.request(chatRequest(question(), resumable(key(), { 'Last-Event-ID': 'abc' })))
    expect(badId.status).toBe(400)
    expect(mock.requests).toHaveLength(0)
  })

  it('gives a failure before the answer began its real status, and lets the same key try again', async () => {
    const { app, mock } = createTestRelay({ script: (_, i) => i < 3 ? { type: 'json', status: 400, body: { error: { message: 'bad', type: 'x', code: null } } } : { type: 'sse', chunks: chatFrames(['ok']) } })
    const failed = await app.request(chatRequest(question(), resumable(key())))
    expect(failed.status).toBe(400)
    const requestsSoFar = mock.requests.length
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(['ok']) }))
    const retried = await readEvents(await app.request(chatRequest(question(), resumable(key()))))
    expect(textOf(retried)).toBe('ok')
    expect(mock.requests).toHaveLength(requestsSoFar + 1)
  })

  it('resumes 100 answers cut at random points to exactly the uninterrupted text, with one upstream request each', async () => {
    const random = seededRandom(2026)
    const pieces = Array.from({ length: 40 }, (_, i) => `조각${i} `)
    // Every third answer trickles, so cuts land both before and after the generation ended.
    const { app, mock } = createTestRelay({
      env: { RELAY_REQUESTS_PER_MINUTE: '0' },
      script: (_, i) => ({ type: 'sse', chunks: chatFrames(pieces), delayMs: i % 3 === 0 ? 1 : 0 }),
    })
    const whole = pieces.join('')
    for (let n = 0; n < 100; n++) {
      const k = key(n)
      const seen: WireEvent[] = []
      let response = await app.request(chatRequest(question(), resumable(k)))
      for (;;) {
        const cutAfter = 1 + Math.floor(random() * 12)
        expect(response.status).toBe(200)
        const events = await readEvents(response, cutAfter)
        seen.push(...events)
        const last = seen.at(-1)
        if (last && (last.data === '[DONE]' || last.data.startsWith('{"error"')))
          break
        response = await app.request(chatRequest(question(), resumable(k, last ? { 'Last-Event-ID': String(last.id) } : {})))
      }
      expect(textOf(seen)).toBe(whole)
      expect(seen.map(e => e.id)).toEqual(seen.map((_, i) => i + 1))
      expect(dataOf(`${seen.map(e => `data: ${e.data}`).join('\n\n')}\n\n`).at(-1)).toBe('[DONE]')
    }
    expect(mock.requests).toHaveLength(100)
  }, 30_000)

  it('keeps the simple rule without a key: the client leaving aborts the upstream', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['x'], { finish: false, done: false }), hangAfter: true }) })
    await readEvents(await app.request(chatRequest(question())), 1)
    await vi.waitFor(() => expect(mock.requests[0]!.signal.aborted).toBe(true))
  })
})
