import { describe, expect, it } from 'vitest'
import { chatFrames, reply } from '../fixtures/mock-upstream'
import { chatRequest, createTestRelay, question, UPSTREAM_KEY } from './harness'

describe('upstream failures before the stream starts', () => {
  it.each([
    [401, 502, 'upstream_error', 'upstream_auth_failed'],
    [403, 502, 'upstream_error', 'upstream_auth_failed'],
    [400, 400, 'invalid_request_error', 'upstream_bad_request'],
    [404, 400, 'invalid_request_error', 'upstream_bad_request'],
    [500, 502, 'upstream_error', 'upstream_unavailable'],
    [503, 502, 'upstream_error', 'upstream_unavailable'],
    [504, 504, 'upstream_error', 'upstream_timeout'],
  ])('maps upstream %i to %i %s/%s', async (upstreamStatus, status, type, code) => {
    const { app } = createTestRelay({ script: () => reply.error(upstreamStatus, 'upstream said no') })
    const response = await app.request(chatRequest(question()))
    expect(response.status).toBe(status)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await response.json() as { error: { message: string, type: string, code: string } }
    expect(body.error.type).toBe(type)
    expect(body.error.code).toBe(code)
    expect(body.error.message).toContain('upstream said no')
  })

  it('keeps the rate limit status and Retry-After', async () => {
    const { app } = createTestRelay({ script: () => reply.error(429, 'slow down', { 'Retry-After': '7' }) })
    const response = await app.request(chatRequest(question()))
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('7')
    expect(await response.json()).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limited' } })
  })

  it('answers 502 when the upstream cannot be reached', async () => {
    const { app } = createTestRelay({ script: () => ({ type: 'network-error' }) })
    const response = await app.request(chatRequest(question()))
    expect(response.status).toBe(502)
    expect((await response.json() as { error: { code: string } }).error.code).toBe('upstream_network_error')
  })

  it('answers 502 when a streaming request gets no event stream back', async () => {
    const { app } = createTestRelay({ script: () => ({ type: 'json', status: 200, body: { choices: [] } }) })
    const response = await app.request(chatRequest(question()))
    expect(response.status).toBe(502)
    expect((await response.json() as { error: { code: string } }).error.code).toBe('upstream_protocol_error')
  })

  it('retries an error the upstream sends after HTTP 200 but before any token, then answers 502', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: ['data: {"error":{"message":"overloaded","type":"server_error"}}\n\n'] }) })
    const response = await app.request(chatRequest(question()))
    expect(response.status).toBe(502)
    expect(response.headers.get('x-should-retry')).toBe('false')
    expect(await response.json()).toEqual({ error: { message: 'overloaded', type: 'upstream_error', code: 'upstream_stream_error' } })
    expect(mock.requests).toHaveLength(2)
  })

  it('ends the stream with an error frame when the upstream fails after the first token', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: [
      ...chatFrames(['부분'], { finish: false, done: false }),
      'data: {"error":{"message":"overloaded","type":"server_error"}}\n\n',
    ] }) })
    const wire = await (await app.request(chatRequest(question()))).text()
    expect(wire.endsWith('data: {"error":{"message":"overloaded","type":"upstream_error","code":"upstream_stream_error"}}\n\n')).toBe(true)
    expect(wire).toContain('"content":"부분"')
    expect(mock.requests).toHaveLength(1)
  })
})

describe('the upstream key never leaves the relay', () => {
  it('is redacted from echoed upstream errors, response bodies, headers and logs', async () => {
    const echo = `Incorrect API key provided: ${UPSTREAM_KEY}. You can find your API key at https://example.test`
    const scripts = [
      () => reply.error(401, echo),
      () => reply.error(400, echo),
      () => reply.error(500, echo),
      () => ({ type: 'sse' as const, chunks: [`data: {"error":{"message":"${echo}"}}\n\n`] }),
    ]
    for (const script of scripts) {
      const { app, logs } = createTestRelay({ script })
      const response = await app.request(chatRequest(question()))
      const text = await response.text()
      expect(text).not.toContain(UPSTREAM_KEY)
      expect(text).not.toContain('sk-test')
      expect(JSON.stringify(Object.fromEntries(response.headers))).not.toContain(UPSTREAM_KEY)
      expect(logs.join('\n')).not.toContain(UPSTREAM_KEY)
      expect(logs.length).toBeGreaterThan(0)
    }
  })

  it('is not in any success response either', async () => {
    const { app } = createTestRelay()
    for (const path of ['/v1/models', '/config.json', '/healthz']) {
      const text = await (await app.request(path)).text()
      expect(text).not.toContain(UPSTREAM_KEY)
    }
    expect(await (await app.request(chatRequest(question()))).text()).not.toContain(UPSTREAM_KEY)
  })
})

describe('a Retry-After longer than the commit point', () => {
  it('reaches the client as a 429 it may retry itself, without the relay waiting', async () => {
    const { app, mock, sleeps } = createTestRelay({ script: () => reply.error(429, 'slow down', { 'Retry-After': '30' }) })
    const response = await app.request(chatRequest(question()))
    expect(response.status).toBe(429)
    expect(response.headers.get('retry-after')).toBe('30')
    expect(response.headers.get('x-should-retry')).toBeNull()
    expect(mock.requests).toHaveLength(1)
    expect(sleeps).toEqual([])
  })
})
