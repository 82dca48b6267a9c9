// Two real relay processes sharing one real Redis: an answer started on one
// relay can be resumed, joined and cancelled through the other, and a reader
// of a relay that crashed is told so instead of waiting forever.
import type { RedisServer } from '../fixtures/redis-server'
import type { RelayProcess } from './harness'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest'
import { chatFrames, createMockUpstream, listen } from '../fixtures/mock-upstream'
import { redisServerOrSkip, startRedisServer } from '../fixtures/redis-server'
import { startRelay } from './harness'

const binary = redisServerOrSkip()
const PIECES = Array.from({ length: 20 }, (_, i) => `조각${i} `)
const WHOLE = PIECES.join('')
/** The relay's defaults for the Redis store: a dead producer is noticed after its lease plus one poll. */
const LEASE_MS = 5000
const POLL_MS = 1000

interface SseEvent { id: number, data: string }

/** The complete events at the start of `buffer` (keepalive comments left out), and what is left of it. */
function parseSse(buffer: string): { events: SseEvent[], rest: string } {
  const blocks = buffer.split('\n\n')
  const rest = blocks.pop()!
  const events: SseEvent[] = []
  for (const block of blocks) {
    const id = /^id: (\d+)$/m.exec(block)?.[1]
    if (id)
      events.push({ id: Number(id), data: block.split('\n').filter(l => l.startsWith('data: ')).map(l => l.slice(6)).join('\n') })
  }
  return { events, rest }
}

/** A streaming response read one event at a time. */
class EventReader {
  private reader: ReadableStreamDefaultReader<string>
  private buffer = ''
  private queue: SseEvent[] = []
  constructor(response: Response) {
    expect(response.status).toBe(200)
    this.reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
  }

  /** The next event, or null once the stream has ended. */
  async next(): Promise<SseEvent | null> {
    while (this.queue.length === 0) {
      const { done, value } = await this.reader.read()
      if (done)
        return null
      const { events, rest } = parseSse(this.buffer + value)
      this.queue.push(...events)
      this.buffer = rest
    }
    return this.queue.shift()!
  }

  /** The next `n` events, fewer only if the stream ends first. */
  async take(n: number): Promise<SseEvent[]> {
    const events: SseEvent[] = []
    while (events.length < n) {
      const event = await this.next()
      if (!event)
        break
      events.push(event)
    }
    return events
  }

  /** Every event up to the end of the stream. */
  rest(): Promise<SseEvent[]> {
    return this.take(Number.POSITIVE_INFINITY)
  }
}

const isError = (event: SseEvent) => event.data.startsWith('{"error":')
const errorCodeOf = (event: SseEvent | undefined) => event && isError(event) ? JSON.parse(event.data).error.code : undefined

/** The answer text the events carry. */
function textOf(events: SseEvent[]): string {
  return events
    .filter(e => e.data !== '[DONE]' && !isError(e))
    .map(e => JSON.parse(e.data).choices?.[0]?.delta?.content ?? '')
    .join('')
}

/** Rejects if `promise` has not settled within `ms`: a hang becomes a failure that says what hung. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

describe.runIf(binary)('two relays sharing one Redis', () => {
  const mock = createMockUpstream()
  let redis: RedisServer
  let upstream: Awaited<ReturnType<typeof listen>>
  let a: RelayProcess
  let b: RelayProcess
  let key: string
  const running: RelayProcess[] = []

  async function start(env: Record<string, string>): Promise<RelayProcess> {
    const relay = await startRelay(env, inject('spaDir'))
    running.push(relay)
    return relay
  }

  /** POSTs the question to `relay` as a resumable stream with `key`. */
  function ask(relay: RelayProcess, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    return fetch(`${relay.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key, ...headers },
      body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: '스물까지 세어 줘' }] }),
      signal,
    })
  }

  beforeAll(async () => {
    redis = await startRedisServer(binary!)
    upstream = await listen(mock)
  })
  beforeEach(async () => {
    mock.requests.length = 0
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(PIECES), delayMs: 100 }))
    key = crypto.randomUUID()
    const env = {
      OPENAI_BASE_URL: upstream.baseUrl,
      OPENAI_API_KEY: 'sk-two-relays-0123456789',
      REDIS_URL: redis.url,
      RELAY_REQUESTS_PER_MINUTE: '0',
      // A test that fails mid-answer must not hold the shutdown for the default 30 s.
      RELAY_SHUTDOWN_GRACE_MS: '2000',
    }
    // Settled, not Promise.all: a relay that did start is in `running` even when the other failed.
    const [first, second] = await Promise.allSettled([start(env), start(env)])
    if (first.status === 'rejected')
      throw first.reason
    if (second.status === 'rejected')
      throw second.reason
    a = first.value
    b = second.value
  })
  // kill('SIGTERM') rather than stop(): it also returns for a relay a test has already killed.
  afterEach(() => Promise.all(running.splice(0).map(relay => relay.kill('SIGTERM'))))
  afterAll(async () => {
    await upstream?.close()
    await redis?.stop()
  })

  it('resumes on B, exactly after the last event id, an answer cut off on A, with one upstream request', async () => {
    const cut = new AbortController()
    const onA = await new EventReader(await ask(a, {}, cut.signal)).take(4)
    cut.abort()

    const last = onA.at(-1)!.id
    const onB = await new EventReader(await ask(b, { 'Last-Event-ID': String(last) })).rest()
    expect(onB[0]!.id).toBe(last + 1)
    const all = [...onA, ...onB]
    expect(all.map(e => e.id)).toEqual(all.map((_, i) => i + 1))
    expect(textOf(all)).toBe(WHOLE)
    expect(all.at(-1)!.data).toBe('[DONE]')
    expect(mock.requests).toHaveLength(1)
  })

  it('ends a reader on B with one producer_lost error frame soon after A is killed mid-answer', async () => {
    // The upstream never finishes on its own: the answer is surely mid-stream when A dies.
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(PIECES, { finish: false, done: false }), delayMs: 100, hangAfter: true }))
    const cut = new AbortController()
    const onA = await new EventReader(await ask(a, {}, cut.signal)).take(3)
    cut.abort()
    const readerOnB = new EventReader(await ask(b, { 'Last-Event-ID': String(onA.at(-1)!.id) }))
    const liveOnB = await readerOnB.take(2)

    await a.kill('SIGKILL')
    const killedAt = Date.now()
    const restOnB = await within(readerOnB.rest(), 20_000, 'the end of B\'s stream')
    const elapsed = Date.now() - killedAt

    const all = [...onA, ...liveOnB, ...restOnB]
    expect(all.filter(isError)).toHaveLength(1)
    expect(errorCodeOf(all.at(-1))).toBe('producer_lost')
    expect(all.map(e => e.id)).toEqual(all.map((_, i) => i + 1))
    expect(WHOLE.startsWith(textOf(all))).toBe(true)
    // Lease plus poll, with slack for a busy machine.
    expect(elapsed, 'ms from the kill to the end of B\'s stream').toBeLessThan(LEASE_MS + POLL_MS + 9000)
  })

  it('joins the answer A is generating when B gets the same key again, without a second upstream request', async () => {
    const readerOnA = new EventReader(await ask(a))
    const firstOnA = await readerOnA.take(2)
    expect(mock.requests).toHaveLength(1)
    let aFinished = false
    const restOnA = readerOnA.rest().finally(() => (aFinished = true))

    const responseOnB = await ask(b)
    // Otherwise B only replayed a finished answer, which proves less.
    expect(aFinished, 'A was still streaming when B answered').toBe(false)
    const onB = await new EventReader(responseOnB).rest()
    const onA = [...firstOnA, ...await restOnA]
    for (const events of [onA, onB]) {
      expect(events.map(e => e.id)).toEqual(events.map((_, i) => i + 1))
      expect(textOf(events)).toBe(WHOLE)
      expect(events.at(-1)!.data).toBe('[DONE]')
    }
    expect(mock.requests).toHaveLength(1)
  })

  it('stops the generation running on A at once when B is asked to cancel it', async () => {
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(PIECES, { finish: false, done: false }), delayMs: 100, hangAfter: true }))
    const readerOnA = new EventReader(await ask(a))
    const firstOnA = await readerOnA.take(2)
    const readerOnB = new EventReader(await ask(b, { 'Last-Event-ID': String(firstOnA.at(-1)!.id) }))
    await readerOnB.take(1)

    const cancel = await fetch(`${b.url}/v1/streams/${key}/cancel`, { method: 'POST' })
    expect(cancel.status).toBe(200)
    expect(await cancel.json()).toEqual({ id: key, status: 'cancelled' })

    await vi.waitFor(() => expect(mock.requests[0]!.signal.aborted).toBe(true), { timeout: 2000, interval: 20 })
    const onA = [...firstOnA, ...await within(readerOnA.rest(), 5000, 'the end of A\'s stream')]
    const restOnB = await within(readerOnB.rest(), 5000, 'the end of B\'s stream')
    for (const events of [onA, restOnB]) {
      expect(events.filter(isError)).toHaveLength(1)
      expect(errorCodeOf(events.at(-1))).toBe('cancelled')
    }
    expect(WHOLE.startsWith(textOf(onA))).toBe(true)
    expect(mock.requests).toHaveLength(1)
  })
})
