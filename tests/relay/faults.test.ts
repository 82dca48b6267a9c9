// Fault injection: odd but legal upstream event streams must come out of the
// relay as the same clean stream, and every upstream failure must end in one
// exact, predictable way (a JSON error with a real status before the commit
// point, one error frame after it, never a made-up [DONE]).
import type { Reply, Script } from '../fixtures/mock-upstream'
import type { TestRelayOptions } from './harness'
import { describe, expect, it } from 'vitest'
import { chatFrames, reply } from '../fixtures/mock-upstream'
import { chatRequest, createTestRelay, question } from './harness'

const PIECES = ['안녕', '하세요']
const FRAMES = chatFrames(PIECES)

/** The wire text the relay sends for these upstream frames: the same data, each event with its id. */
function relayed(frames: string[]): string {
  return frames.map((frame, i) => `id: ${i + 1}\n${frame}`).join('')
}

/** One upstream data frame, as the mock writes them. */
function frame(value: object): string {
  return `data: ${JSON.stringify(value)}\n\n`
}

/**
 * Without `: keepalive` comments. A relay timer may fire a millisecond before
 * Date.now() reaches its deadline, and the relay then sends one keepalive just
 * before the timeout frame; comments are harmless to clients, so timing tests
 * compare the events only.
 */
function withoutKeepalives(wire: string): string {
  return wire.replaceAll(': keepalive\n\n', '')
}

function errorFrame(id: number, message: string, code: string, type = 'upstream_error'): string {
  return `id: ${id}\n${frame({ error: { message, type, code } })}`
}

async function send(options: TestRelayOptions, body: object = question()) {
  const relay = createTestRelay(options)
  const response = await relay.app.request(chatRequest(body))
  return { ...relay, response, wire: await response.text() }
}

/** A stream of these raw pieces, each one network chunk. */
function sse(chunks: Array<string | Uint8Array>, extra: Partial<Extract<Reply, { type: 'sse' }>> = {}): Script {
  return () => ({ type: 'sse', chunks, ...extra })
}

/** A relay whose RELAY_CONFIG sets these timeouts (and retry settings), with a catch-all upstream. */
function withFile(settings: { timeouts?: object, retry?: object }, script: Script): TestRelayOptions {
  return {
    script,
    file: { upstreams: [{ name: 'main', baseUrl: 'https://upstream.test/v1', apiKeyEnv: 'UPSTREAM_API_KEY' }], ...settings },
  }
}

describe('odd but valid upstream event streams come out clean', () => {
  it('reads CRLF line endings', async () => {
    const { wire } = await send({ script: sse(FRAMES.map(f => f.replaceAll('\n', '\r\n'))) })
    expect(wire).toBe(relayed(FRAMES))
  })

  it('reads bare CR line endings', async () => {
    const { wire } = await send({ script: sse(FRAMES.map(f => f.replaceAll('\n', '\r'))) })
    expect(wire).toBe(relayed(FRAMES))
  })

  it('reads a CRLF split across two network chunks, even inside a two-line event', async () => {
    const [role, first, ...rest] = FRAMES.map(f => f.replaceAll('\n', '\r\n'))
    // The first content event arrives as two data lines; each CR ends one chunk and its LF starts the next.
    const twoLines = first!.replace('"choices":', '\r\ndata: "choices":')
    const chunks = [role!, twoLines, ...rest].flatMap(f => f.split(/(?<=\r)(?=\n)/))
    expect(chunks.length).toBeGreaterThan(FRAMES.length * 2)
    const { wire } = await send({ script: sse(chunks) })
    expect(wire).toBe(relayed([FRAMES[0]!, FRAMES[1]!.replace('"choices":', '\ndata: "choices":'), ...FRAMES.slice(2)]))
  })

  it.each([
    ['in the first chunk', (first: string) => [`\uFEFF${first}`]],
    ['split across chunks', (first: string) => [Uint8Array.of(0xEF), Uint8Array.of(0xBB, 0xBF), first]],
  ])('skips a UTF-8 byte order mark at the start of the stream (%s)', async (_, start) => {
    const [first, ...rest] = FRAMES
    const { wire } = await send({ script: sse([...start(first!), ...rest]) })
    expect(wire).toBe(relayed(FRAMES))
  })

  it('drops upstream comments between and inside events', async () => {
    const chunks = FRAMES.flatMap(f => [': OPENROUTER PROCESSING\n\n', `: inside\n${f}`])
    const { wire } = await send({ script: sse(chunks) })
    expect(wire).toBe(relayed(FRAMES))
  })

  it('reads data: without a space after the colon', async () => {
    const { wire } = await send({ script: sse(FRAMES.map(f => f.replace(/^data: /, 'data:'))) })
    expect(wire).toBe(relayed(FRAMES))
  })

  it('joins two data lines into one JSON chunk and passes them on as two data lines', async () => {
    const split = (f: string) => f.replace('"choices":', '\ndata: "choices":')
    const frames = [FRAMES[0]!, split(FRAMES[1]!), split(FRAMES[2]!), ...FRAMES.slice(3)]
    const { wire } = await send({ script: sse(frames) })
    expect(wire).toBe(relayed(frames))
  })

  it('passes a 70 KB data line on intact', async () => {
    const content = '가나다 abc '.repeat(8_750)
    expect(content).toHaveLength(70_000)
    const frames = chatFrames([content])
    const long = frames[1]!
    expect(new TextEncoder().encode(long).length).toBeGreaterThan(70 * 1024)
    // The line arrives in 8 KB network chunks, as it would over TCP.
    const pieces = Array.from({ length: Math.ceil(long.length / 8192) }, (_, i) => long.slice(i * 8192, (i + 1) * 8192))
    const { wire } = await send({ script: sse([frames[0]!, ...pieces, ...frames.slice(2)]) })
    expect(wire).toBe(relayed(frames))
    expect(JSON.parse(wire.split('\n')[4]!.slice(6)).choices[0].delta.content).toBe(content)
  })

  it('joins a Korean character split across network chunks', async () => {
    const bytes = new TextEncoder().encode(FRAMES.join(''))
    const at = new TextEncoder().encode(FRAMES[0]!).length + new TextEncoder().encode(FRAMES[1]!.slice(0, FRAMES[1]!.indexOf('안'))).length
    // 안 is three bytes: cut after its first, then after its second.
    const { wire } = await send({ script: sse([bytes.slice(0, at + 1), bytes.slice(at + 1, at + 2), bytes.slice(at + 2)]) })
    expect(wire).toBe(relayed(FRAMES))
  })
})

describe('usage and finish chunks', () => {
  const usage = frame({ id: 'chatcmpl-mock', object: 'chat.completion.chunk', created: 1, model: 'gpt-4.1', choices: [], usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 } })
  const withUsage = [...FRAMES.slice(0, -1), usage, 'data: [DONE]\n\n']

  it('keeps the usage-only chunk when the client asked for usage', async () => {
    const { wire, mock } = await send({ script: sse(withUsage) }, { ...question(), stream_options: { include_usage: true } })
    expect(wire).toBe(relayed(withUsage))
    expect(mock.requests[0]!.body.stream_options).toEqual({ include_usage: true })
  })

  it('drops the usage-only chunk it asked for itself, keeping the ids consecutive', async () => {
    const { wire, mock } = await send({ script: sse(withUsage) })
    expect(wire).toBe(relayed(FRAMES))
    expect(mock.requests[0]!.body.stream_options).toEqual({ include_usage: true })
  })

  it('drops it too when the client said include_usage: false', async () => {
    const { wire, mock } = await send({ script: sse(withUsage) }, { ...question(), stream_options: { include_usage: false } })
    expect(wire).toBe(relayed(FRAMES))
    expect(mock.requests[0]!.body.stream_options).toEqual({ include_usage: true })
  })

  it('passes duplicate finish chunks through and still ends with exactly one [DONE]', async () => {
    const finish = FRAMES.at(-2)!
    const frames = [...FRAMES.slice(0, -1), finish, 'data: [DONE]\n\n', 'data: [DONE]\n\n']
    const { wire } = await send({ script: sse(frames) })
    expect(wire).toBe(relayed([...FRAMES.slice(0, -1), finish, 'data: [DONE]\n\n']))
    expect(wire.match(/\[DONE\]/g)).toHaveLength(1)
  })

  it('adds [DONE] when the upstream finished the answer but closed without it', async () => {
    const { wire } = await send({ script: sse(FRAMES.slice(0, -1)) })
    expect(wire).toBe(relayed(FRAMES))
  })
})

describe('upstream HTTP errors', () => {
  it('answers an upstream 401 with 502 upstream_auth_failed after one request', async () => {
    const { response, wire, mock, sleeps } = await send({ script: () => reply.error(401, 'Invalid key') })
    expect(response.status).toBe(502)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(JSON.parse(wire)).toEqual({ error: { message: 'The provider rejected the relay\'s API key: Invalid key', type: 'upstream_error', code: 'upstream_auth_failed' } })
    expect(mock.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  // Retry-After: 1 fits in the default 2 s commit window, so the retry happens before any headers.
  it('waits exactly the Retry-After of a 429, then streams the retried answer', async () => {
    const { response, wire, mock, sleeps } = await send({ script: (_, i) => i === 0 ? reply.error(429, 'slow down', { 'Retry-After': '1' }) : reply.text(PIECES) })
    expect(response.status).toBe(200)
    expect(wire).toBe(relayed(FRAMES))
    expect(sleeps).toEqual([1000])
    expect(mock.requests).toHaveLength(2)
  })

  it('answers 429 with the upstream Retry-After when the retry is refused too', async () => {
    const { response, wire, mock, sleeps } = await send({ script: () => reply.error(429, 'slow down', { 'Retry-After': '1' }) })
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('1')
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(JSON.parse(wire)).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limited' } })
    expect(sleeps).toEqual([1000])
    expect(mock.requests).toHaveLength(2)
  })

  it('retries a 503 once after a jittered backoff, then answers 502', async () => {
    const { response, wire, mock, sleeps } = await send({ script: () => reply.error(503, 'overloaded') })
    expect(response.status).toBe(502)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(JSON.parse(wire)).toEqual({ error: { message: 'overloaded', type: 'upstream_error', code: 'upstream_unavailable' } })
    expect(mock.requests).toHaveLength(2)
    expect(sleeps).toHaveLength(1)
    expect(sleeps[0]).toBeGreaterThanOrEqual(0)
    expect(sleeps[0]).toBeLessThan(250)
  })

  it('streams the answer when the retry after a 503 succeeds', async () => {
    const { response, wire, mock } = await send({ script: (_, i) => i === 0 ? reply.error(503, 'overloaded') : reply.text(PIECES) })
    expect(response.status).toBe(200)
    expect(wire).toBe(relayed(FRAMES))
    expect(mock.requests).toHaveLength(2)
  })
})

describe('hangs and timeouts', () => {
  it('answers 504 when the upstream sends no headers within the connect timeout', async () => {
    const { response, wire, mock } = await send(withFile({ timeouts: { connectMs: 50 } }, () => ({ type: 'hang' })))
    expect(response.status).toBe(504)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(JSON.parse(wire)).toEqual({ error: { message: 'The provider sent no headers within 0.05 s.', type: 'upstream_error', code: 'upstream_timeout' } })
    expect(mock.requests).toHaveLength(2)
    expect(mock.requests.every(r => r.signal.aborted)).toBe(true)
  })

  it('answers 504 when headers come but no token within the first-token timeout', async () => {
    const { response, wire, mock } = await send(withFile({ timeouts: { firstTokenMs: 50 } }, sse([FRAMES[0]!, ': waiting\n\n'], { hangAfter: true })))
    expect(response.status).toBe(504)
    expect(JSON.parse(wire)).toEqual({ error: { message: 'The provider sent no token within 0.05 s.', type: 'upstream_error', code: 'upstream_timeout' } })
    expect(mock.requests).toHaveLength(2)
    expect(mock.requests.every(r => r.signal.aborted)).toBe(true)
  })

  it('ends with an upstream_timeout error frame when the upstream goes quiet after the first token', async () => {
    const { response, wire: raw, mock } = await send(withFile({ timeouts: { idleMs: 50 } }, sse(FRAMES.slice(0, 2), { hangAfter: true })))
    expect(response.status).toBe(200)
    const wire = withoutKeepalives(raw)
    const [head, tail] = [wire.slice(0, wire.lastIndexOf('id: 3\n')), wire.slice(wire.lastIndexOf('id: 3\n'))]
    expect(head).toBe(relayed(FRAMES.slice(0, 2)))
    expect(tail).toMatch(/^id: 3\ndata: \{"error":\{"message":"The provider sent nothing for [^"]+","type":"upstream_error","code":"upstream_timeout"\}\}\n\n$/)
    expect(mock.requests).toHaveLength(1)
    expect(mock.requests[0]!.signal.aborted).toBe(true)
  })

  it('ends with an upstream_timeout error frame when the answer outlasts the absolute cap', async () => {
    const { wire, mock } = await send(withFile({ timeouts: { totalMs: 60 } }, sse(FRAMES.slice(0, 2), { hangAfter: true })))
    expect(withoutKeepalives(wire)).toBe(relayed(FRAMES.slice(0, 2)) + errorFrame(3, 'The answer took longer than the relay allows.', 'upstream_timeout'))
    expect(mock.requests[0]!.signal.aborted).toBe(true)
  })

  it('sends the headers at the commit deadline and then one error frame for a hang before headers', async () => {
    // One attempt: whether to retry once the commit deadline has passed is not what this checks.
    const { response, wire, mock } = await send(withFile({ timeouts: { connectMs: 50 }, retry: { commitMs: 10, maxAttempts: 1 } }, () => ({ type: 'hang' })))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('x-sori-model')).toBeNull()
    expect(wire).toBe(errorFrame(1, 'The provider sent no headers within 0.05 s.', 'upstream_timeout'))
    expect(mock.requests).toHaveLength(1)
  })

  it('sends id-less keepalive comments while a slow first token is on its way', async () => {
    const { response, wire } = await send({
      ...withFile({ retry: { commitMs: 0 } }, sse(FRAMES, { delayMs: 40 })),
      configure: config => ({ ...config, keepaliveMs: 10 }),
    })
    expect(response.status).toBe(200)
    expect(wire).toMatch(/^(?:: keepalive\n\n)+id: 1\n/)
    expect(withoutKeepalives(wire)).toBe(relayed(FRAMES))
  })
})

describe('broken streams', () => {
  it('ends with an error frame, never [DONE], when the connection resets mid-stream', async () => {
    const { response, wire, mock } = await send({ script: sse(FRAMES.slice(0, 2), { resetAfter: true }) })
    expect(response.status).toBe(200)
    expect(wire).toBe(relayed(FRAMES.slice(0, 2)) + errorFrame(3, 'The connection to the provider broke before the answer was complete.', 'upstream_stream_error'))
    expect(mock.requests).toHaveLength(1)
  })

  it('retries a connection reset before the first token, then answers 502', async () => {
    const { response, wire, mock } = await send({ script: sse(FRAMES.slice(0, 1), { resetAfter: true }) })
    expect(response.status).toBe(502)
    expect(JSON.parse(wire)).toEqual({ error: { message: 'The connection to the provider broke before the first token.', type: 'upstream_error', code: 'upstream_network_error' } })
    expect(mock.requests).toHaveLength(2)
  })

  it('ends with an error frame when a stream without a finish reason just stops', async () => {
    const { wire } = await send({ script: sse(FRAMES.slice(0, 2)) })
    expect(wire).toBe(relayed(FRAMES.slice(0, 2)) + errorFrame(3, 'The provider stopped sending before the answer was complete.', 'stream_truncated'))
  })

  it('ends with an upstream_protocol_error frame when data after the first token is not JSON', async () => {
    const { wire } = await send({ script: sse([...FRAMES.slice(0, 2), 'data: {"id":"chatcmpl-mock","choi\n\n', ...FRAMES.slice(2)]) })
    expect(wire).toBe(relayed(FRAMES.slice(0, 2)) + errorFrame(3, 'The provider sent data that is not JSON.', 'upstream_protocol_error'))
  })

  it('ends with stream_truncated, not [DONE], when the upstream says [DONE] without any finish_reason', async () => {
    const { wire } = await send({ script: sse([...FRAMES.slice(0, 2), 'data: [DONE]\n\n']) })
    expect(wire.startsWith(relayed(FRAMES.slice(0, 2)))).toBe(true)
    expect(wire).not.toContain('[DONE]')
    const last = wire.slice(relayed(FRAMES.slice(0, 2)).length)
    expect(last).toMatch(/^id: 3\ndata: \{"error":\{.*"code":"stream_truncated"\}\}\n\n$/)
  })

  it('retries an upstream that sends only [DONE], then answers 502 stream_truncated', async () => {
    const { response, wire, mock } = await send({ script: sse(['data: [DONE]\n\n']) })
    expect(response.status).toBe(502)
    expect(JSON.parse(wire)).toEqual({ error: { message: expect.any(String), type: 'upstream_error', code: 'stream_truncated' } })
    expect(mock.requests).toHaveLength(2)
  })

  it('retries an error frame sent after HTTP 200 before the first token, then answers 502', async () => {
    const failure = frame({ error: { message: 'overloaded', type: 'server_error' } })
    const { response, wire, mock } = await send({ script: sse([FRAMES[0]!, failure]) })
    expect(response.status).toBe(502)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(JSON.parse(wire)).toEqual({ error: { message: 'overloaded', type: 'upstream_error', code: 'upstream_stream_error' } })
    expect(mock.requests).toHaveLength(2)
  })

  it('passes an error frame sent after the first token on as the one final frame', async () => {
    const failure = frame({ error: { message: 'overloaded', type: 'server_error' } })
    const { response, wire, mock } = await send({ script: sse([...FRAMES.slice(0, 2), failure, ...FRAMES.slice(2)]) })
    expect(response.status).toBe(200)
    expect(wire).toBe(relayed(FRAMES.slice(0, 2)) + errorFrame(3, 'overloaded', 'upstream_stream_error'))
    expect(mock.requests).toHaveLength(1)
  })
})
