import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Acquired, RateLimitOptions } from '../../relay/middleware/rate-limit'
import { createHash } from 'node:crypto'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { toErrorResponse } from '../../relay/errors'
import { clientKey, createRateLimiter, rateLimit } from '../../relay/middleware/rate-limit'
import { SSE_HEADERS } from '../../relay/sse'

/** A relay-like app whose clock the test moves and whose streams the test ends. */
function limitedApp(limits: Partial<RateLimitOptions>) {
  let time = 1_000
  const sources: ReadableStreamDefaultController<Uint8Array>[] = []
  const app = new Hono()
  app.use(rateLimit({
    requestsPerMinute: Infinity,
    concurrentStreams: Infinity,
    key: c => c.req.header('X-Client') ?? 'alice',
    now: () => time,
    ...limits,
  }))
  app.get('/json', c => c.json({ ok: true }))
  app.get('/stream', () => new Response(new ReadableStream<Uint8Array>({ start: controller => void sources.push(controller) }), { headers: SSE_HEADERS }))
  app.get('/boom', () => {
    throw new Error('handler failed')
  })
  app.onError((error, c) => {
    const { status, body, headers } = toErrorResponse(error, text => text)
    return c.json(body, status as ContentfulStatusCode, headers)
  })
  const get = async (path: string, client = 'alice') => app.request(path, { headers: { 'X-Client': client } })
  return { get, sources, advance: (ms: number) => void (time += ms) }
}

async function statuses(responses: Promise<Response>[]): Promise<number[]> {
  return (await Promise.all(responses)).map(response => response.status)
}

describe('requests per minute', () => {
  it('refuses the request past the limit with 429, Retry-After and an OpenAI-shaped error', async () => {
    const { get } = limitedApp({ requestsPerMinute: 3 })
    expect(await statuses([get('/json'), get('/json'), get('/json')])).toEqual([200, 200, 200])

    const refused = await get('/json')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('20')
    expect(await refused.json()).toEqual({ error: {
      message: 'Too many requests: this client may send 3 requests per minute. Try again in 20 seconds.',
      type: 'rate_limit_error',
      code: 'rate_limited',
    } })
  })

  it('refills evenly as time passes, and refused attempts do not push the refill back', async () => {
    const { get, advance } = limitedApp({ requestsPerMinute: 3 })
    await statuses([get('/json'), get('/json'), get('/json')])
    for (let i = 0; i < 20; i++)
      expect((await get('/json')).status).toBe(429)

    advance(19_999)
    expect((await get('/json')).status).toBe(429)
    advance(1)
    expect(await statuses([get('/json'), get('/json')])).toEqual([200, 429])
    advance(60_000)
    expect(await statuses([get('/json'), get('/json'), get('/json'), get('/json')])).toEqual([200, 200, 200, 429])
  })

  it('never lets a second full burst through soon after the first, unlike a fixed window', async () => {
    const { get, advance } = limitedApp({ requestsPerMinute: 60 })
    advance(58_000) // the burst lands just before a minute boundary
    const first = await statuses(Array.from({ length: 60 }, () => get('/json')))
    expect(first.every(status => status === 200)).toBe(true)

    advance(2_000)
    const second = await statuses(Array.from({ length: 60 }, () => get('/json')))
    expect(second.filter(status => status === 200)).toHaveLength(2)
  })

  it('counts each client on its own', async () => {
    const { get } = limitedApp({ requestsPerMinute: 1 })
    expect(await statuses([get('/json', 'alice'), get('/json', 'alice')])).toEqual([200, 429])
    expect(await statuses([get('/json', 'bob'), get('/json', 'carol')])).toEqual([200, 200])
  })
})

describe('concurrent streams', () => {
  it('refuses a third open stream and allows one again once a stream is read to the end', async () => {
    const { get, sources } = limitedApp({ concurrentStreams: 2 })
    const [first] = await Promise.all([get('/stream'), get('/stream')])

    const refused = await get('/stream')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('Retry-After')).toBe('1')
    expect((await refused.json()).error.message).toBe('Too many open responses: this client may have 2 open at once. Wait for one to finish or stop it.')

    sources[0]!.enqueue(new TextEncoder().encode('data: [DONE]\n\n'))
    sources[0]!.close()
    expect(await first!.text()).toBe('data: [DONE]\n\n')
    expect(await statuses([get('/stream'), get('/stream')])).toEqual([200, 429])
  })

  it('allows a new stream once the client cancels one', async () => {
    const { get } = limitedApp({ concurrentStreams: 2 })
    const [first] = await Promise.all([get('/stream'), get('/stream')])
    expect((await get('/stream')).status).toBe(429)

    await first!.body!.cancel()
    expect(await statuses([get('/stream'), get('/stream')])).toEqual([200, 429])
  })

  it('releases a slot once when the client cancels during a pending read', async () => {
    const { get } = limitedApp({ concurrentStreams: 2 })
    const [first] = await Promise.all([get('/stream'), get('/stream')])
    const reader = first!.body!.getReader()
    const pending = reader.read()
    await reader.cancel()
    await pending

    expect(await statuses([get('/stream'), get('/stream')])).toEqual([200, 429])
  })

  it('releases a slot once when the stream fails and the client then cancels it', async () => {
    const { get, sources } = limitedApp({ concurrentStreams: 2 })
    const [first] = await Promise.all([get('/stream'), get('/stream')])
    const reader = first!.body!.getReader()
    const pending = reader.read()
    sources[0]!.error(new Error('upstream broke'))
    await expect(pending).rejects.toThrow('upstream broke')
    await expect(reader.cancel()).rejects.toThrow('upstream broke')

    expect(await statuses([get('/stream'), get('/stream')])).toEqual([200, 429])
  })

  it('releases the slot of a handler that throws and of a JSON answer nobody read', async () => {
    const { get } = limitedApp({ concurrentStreams: 1 })
    for (const path of ['/boom', '/boom', '/json', '/json'])
      expect((await get(path)).status).toBe(path === '/boom' ? 500 : 200)
    expect(await statuses([get('/stream'), get('/stream')])).toEqual([200, 429])
  })

  it('turns both limits off with 0 or Infinity', async () => {
    for (const off of [0, Infinity]) {
      const { get } = limitedApp({ requestsPerMinute: off, concurrentStreams: off })
      const all = await statuses(Array.from({ length: 100 }, () => get('/stream')))
      expect(all.every(status => status === 200)).toBe(true)
    }
  })
})

describe('clientKey', () => {
  const app = new Hono()
  const key = clientKey({ clientIp: c => c.req.header('X-Test-Ip') })
  app.get('/', async c => c.text(await key(c)))
  const keyOf = async (headers: Record<string, string>) => (await app.request('/', { headers })).text()

  it('names a bearer token by a short SHA-256, never by the token itself', async () => {
    const token = 'relay-access-token-0123456789'
    const named = await keyOf({ 'Authorization': `Bearer ${token}`, 'X-Test-Ip': '203.0.113.9' })

    expect(named).toBe(`token:${createHash('sha256').update(token).digest('hex').slice(0, 12)}`)
    expect(named).not.toContain(token.slice(0, 8))
    expect(await keyOf({ Authorization: `bearer ${token}` })).toBe(named)
    expect(await keyOf({ Authorization: 'Bearer another-token' })).not.toBe(named)
  })

  it('falls back to the address, then to ip:unknown', async () => {
    expect(await keyOf({ 'X-Test-Ip': '203.0.113.9' })).toBe('ip:203.0.113.9')
    expect(await keyOf({ 'Authorization': 'Basic abc', 'X-Test-Ip': '2001:db8::1' })).toBe('ip:2001:db8::1')
    expect(await keyOf({})).toBe('ip:unknown')
    expect(await keyOf({ 'X-Test-Ip': 'x'.repeat(5_000) })).toHaveLength('ip:'.length + 64)
  })
})

describe('createRateLimiter', () => {
  it('admits exactly the full burst for every limit, despite rounding in 60000 / n', () => {
    for (let rpm = 1; rpm <= 200; rpm++) {
      const limiter = createRateLimiter({ requestsPerMinute: rpm, concurrentStreams: Infinity })
      const admitted = Array.from({ length: rpm + 1 }, () => limiter.acquire('alice', 1_000).ok)
      expect(admitted.filter(Boolean), `${rpm} per minute`).toHaveLength(rpm)
    }
  })

  it('says which limit refused and when to come back', () => {
    const limiter = createRateLimiter({ requestsPerMinute: 2, concurrentStreams: 1 })
    const release = (acquired: Acquired) => acquired.ok && acquired.release()
    const first = limiter.acquire('alice', 0)
    expect(limiter.acquire('alice', 0)).toEqual({ ok: false, limit: 'streams', retryAfterSeconds: 1 })
    release(first)
    release(first) // a second release must not free a slot that is not held
    release(limiter.acquire('alice', 0))
    expect(limiter.acquire('alice', 0)).toEqual({ ok: false, limit: 'requests', retryAfterSeconds: 30 })
    expect(limiter.acquire('alice', 29_001)).toEqual({ ok: false, limit: 'requests', retryAfterSeconds: 1 })
    expect(limiter.acquire('alice', 30_000).ok).toBe(true)
  })
})

describe('createRateLimiter memory', () => {
  it('tracks at most 100k clients however many distinct ones arrive', () => {
    const limiter = createRateLimiter({ requestsPerMinute: 10, concurrentStreams: 2 })
    let admitted = 0
    let largest = 0
    for (let i = 0; i < 200_000; i++) {
      admitted += limiter.acquire(`ip:${i}`, 5_000).ok ? 1 : 0
      largest = Math.max(largest, limiter.size)
    }
    expect(admitted).toBe(200_000)
    expect(largest).toBe(100_000)
    expect(limiter.size).toBe(100_000)
  })

  it('forgets idle clients lazily once their bucket is full again', () => {
    const limiter = createRateLimiter({ requestsPerMinute: 10, concurrentStreams: 2 })
    for (let i = 0; i < 1_000; i++) {
      const acquired = limiter.acquire(`ip:${i}`, 0)
      if (acquired.ok)
        acquired.release()
    }
    expect(limiter.size).toBe(1_000)
    for (let i = 0; i < 300; i++)
      limiter.acquire('ip:busy', 6_000 + i)
    expect(limiter.size).toBe(1)
  })

  it('keeps a client with an open stream when it must forget someone', () => {
    const limiter = createRateLimiter({ requestsPerMinute: 10, concurrentStreams: 1, maxKeys: 3 })
    expect(limiter.acquire('holder', 0).ok).toBe(true)
    for (const key of ['a', 'b', 'c', 'd']) {
      const acquired = limiter.acquire(key, 0)
      if (acquired.ok)
        acquired.release()
    }

    expect(limiter.size).toBe(3)
    expect(limiter.acquire('holder', 0)).toEqual({ ok: false, limit: 'streams', retryAfterSeconds: 1 })
  })

  it('rejects a negative or NaN limit instead of silently allowing everything', () => {
    expect(() => createRateLimiter({ requestsPerMinute: -1, concurrentStreams: 1 })).toThrow(RangeError)
    expect(() => createRateLimiter({ requestsPerMinute: 1, concurrentStreams: Number.NaN })).toThrow(RangeError)
  })
})
