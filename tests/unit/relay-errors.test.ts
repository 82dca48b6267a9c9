import type { RelayErrorCode } from '../../relay/protocol'
import { describe, expect, it } from 'vitest'
import { createRedactor, RelayError, toErrorResponse, UpstreamError } from '../../relay/errors'

const keep = (text: string) => text

function upstreamHttp(status: number, retryAfter?: string) {
  return toErrorResponse(new UpstreamError('http', 'provider said no', { status, retryAfter }), keep)
}

describe('toErrorResponse for upstream HTTP errors', () => {
  it.each([
    { upstream: 401, status: 502, type: 'upstream_error', code: 'upstream_auth_failed' },
    { upstream: 403, status: 502, type: 'upstream_error', code: 'upstream_auth_failed' },
    { upstream: 429, status: 429, type: 'rate_limit_error', code: 'rate_limited' },
    { upstream: 400, status: 400, type: 'invalid_request_error', code: 'upstream_bad_request' },
    { upstream: 404, status: 400, type: 'invalid_request_error', code: 'upstream_bad_request' },
    { upstream: 422, status: 400, type: 'invalid_request_error', code: 'upstream_bad_request' },
    { upstream: 408, status: 504, type: 'upstream_error', code: 'upstream_timeout' },
    { upstream: 500, status: 502, type: 'upstream_error', code: 'upstream_unavailable' },
    { upstream: 502, status: 502, type: 'upstream_error', code: 'upstream_unavailable' },
    { upstream: 503, status: 502, type: 'upstream_error', code: 'upstream_unavailable' },
    { upstream: 504, status: 504, type: 'upstream_error', code: 'upstream_timeout' },
  ])('maps an upstream $upstream to $status $code', ({ upstream, status, type, code }) => {
    const response = upstreamHttp(upstream)

    expect(response.status).toBe(status)
    expect(response.body.error.type).toBe(type)
    expect(response.body.error.code).toBe(code)
    expect(response.headers).toEqual({ 'x-should-retry': 'false' })
  })

  it('says the relay\'s own key was refused on 401 and 403', () => {
    expect(upstreamHttp(401).body.error.message).toBe('The provider rejected the relay\'s API key: provider said no')
  })

  it('keeps the provider message otherwise', () => {
    expect(upstreamHttp(400).body).toEqual({ error: { message: 'provider said no', type: 'invalid_request_error', code: 'upstream_bad_request' } })
  })

  it('treats an http error without a status as 502 upstream_unavailable', () => {
    const response = toErrorResponse(new UpstreamError('http', 'no status'), keep)
    expect(response.status).toBe(502)
    expect(response.body.error.code).toBe('upstream_unavailable')
  })

  it('keeps a numeric Retry-After on a 429', () => {
    expect(upstreamHttp(429, '12').headers).toEqual({ 'Retry-After': '12', 'x-should-retry': 'false' })
    expect(upstreamHttp(429, ' 30 ').headers).toEqual({ 'Retry-After': '30', 'x-should-retry': 'false' })
  })

  it('drops a Retry-After that is not a plain number of seconds', () => {
    for (const value of ['Wed, 21 Oct 2015 07:28:00 GMT', '1.5', '-1', '12\r\nSet-Cookie: x=1', '', '1234567'])
      expect(upstreamHttp(429, value).headers, JSON.stringify(value)).toEqual({ 'x-should-retry': 'false' })
    expect(upstreamHttp(429).headers).toEqual({ 'x-should-retry': 'false' })
  })

  it('never sends Retry-After on other statuses', () => {
    expect(upstreamHttp(503, '12').headers).toEqual({ 'x-should-retry': 'false' })
  })
})

describe('toErrorResponse for other upstream failures', () => {
  it.each([
    { type: 'timeout' as const, status: 504, code: 'upstream_timeout' },
    { type: 'network' as const, status: 502, code: 'upstream_network_error' },
    { type: 'protocol' as const, status: 502, code: 'upstream_protocol_error' },
  ])('maps $type to $status $code', ({ type, status, code }) => {
    expect(toErrorResponse(new UpstreamError(type, 'what happened'), keep)).toEqual({
      status,
      body: { error: { message: 'what happened', type: 'upstream_error', code } },
      headers: { 'x-should-retry': 'false' },
    })
  })

  it.each(['stream_truncated', 'upstream_stream_error'] as const)('keeps the stream code %s whatever the type', (code) => {
    for (const type of ['http', 'timeout', 'network', 'protocol'] as const) {
      const response = toErrorResponse(new UpstreamError(type, 'cut', { code, status: 429 }), keep)
      expect(response.status).toBe(502)
      expect(response.body.error).toEqual({ message: 'cut', type: 'upstream_error', code })
    }
  })

  it('redacts the upstream message', () => {
    const redact = createRedactor(['secret-upstream-key'])
    const response = toErrorResponse(new UpstreamError('http', 'bad key secret-upstream-key', { status: 500 }), redact)
    expect(response.body.error.message).toBe('bad key [redacted]')
  })
})

describe('toErrorResponse for the relay\'s own errors', () => {
  it.each([
    { status: 400 as const, code: 'invalid_request' as RelayErrorCode, type: 'invalid_request_error' },
    { status: 401 as const, code: 'invalid_access_token' as RelayErrorCode, type: 'authentication_error' },
    { status: 403 as const, code: 'origin_not_allowed' as RelayErrorCode, type: 'permission_error' },
    { status: 404 as const, code: 'not_found' as RelayErrorCode, type: 'not_found_error' },
    { status: 413 as const, code: 'payload_too_large' as RelayErrorCode, type: 'invalid_request_error' },
    { status: 415 as const, code: 'unsupported_media_type' as RelayErrorCode, type: 'invalid_request_error' },
  ])('keeps status $status with type $type', ({ status, code, type }) => {
    expect(toErrorResponse(new RelayError(status, code, 'explained'), keep)).toEqual({
      status,
      body: { error: { message: 'explained', type, code } },
      headers: {},
    })
  })
})

describe('toErrorResponse for anything else', () => {
  it.each([
    new Error('ECONNRESET at /srv/relay/app.ts:12 with sk-live-abcdef'),
    new TypeError('Cannot read properties of undefined'),
    'a thrown string',
    null,
    { message: 'an object' },
  ])('answers 500 internal_error without leaking %s', (thrown) => {
    const response = toErrorResponse(thrown, keep)
    expect(response).toEqual({
      status: 500,
      body: { error: { message: 'The relay failed unexpectedly.', type: 'server_error', code: 'internal_error' } },
      headers: {},
    })
  })
})

describe('createRedactor', () => {
  it('removes every configured secret, each time it appears', () => {
    const redact = createRedactor(['upstream-secret-1', 'relay-access-token-0123456789'])
    expect(redact('k=upstream-secret-1 t=relay-access-token-0123456789 again upstream-secret-1'))
      .toBe('k=[redacted] t=[redacted] again [redacted]')
  })

  it('removes the longer secret whole when one secret contains another', () => {
    const redact = createRedactor(['abcd1234', 'abcd1234efgh5678'])
    expect(redact('x abcd1234efgh5678 y abcd1234 z')).toBe('x [redacted] y [redacted] z')
  })

  it('removes API-key-shaped strings it was not told about', () => {
    const redact = createRedactor([])
    expect(redact('Incorrect API key provided: sk-abc***********xyz. You can find your key'))
      .toMatch(/^Incorrect API key provided: \[redacted\]\.? You can find your key$/)
    expect(redact('sk-proj-AbC_123-xyz and sk-or-v1-0123abcd.')).toBe('[redacted] and [redacted].')
    // Words that merely start like a key stay readable.
    expect(redact('Invalid key-value pair; see sk-learn')).toBe('Invalid key-value pair; see sk-learn')
  })

  it('leaves ordinary text alone', () => {
    const redact = createRedactor(['', 'not-in-text-secret'])
    const text = 'The model gpt-4.1 is overloaded; task-1234 risk-free monkey-wrench 한국어'
    expect(redact(text)).toBe(text)
  })

  it('ignores empty secrets', () => {
    expect(createRedactor([''])('abc')).toBe('abc')
  })
})
