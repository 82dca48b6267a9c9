import type { ChatErrorInfo } from '../../src/lib/chat/errors'
import { describe, expect, it } from 'vitest'
import en from '../../src/i18n/locales/en.json'
import ko from '../../src/i18n/locales/ko.json'
import { localizeError } from '../../src/lib/chat/error-message'
import { ChatError, chatErrorFromFrame, chatErrorFromResponse, parseErrorBody, toChatError } from '../../src/lib/chat/errors'

const locales: Record<string, unknown> = { en, ko }

function lookup(messages: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), messages)
}

function expectInBothLocales(key: string) {
  for (const [name, messages] of Object.entries(locales))
    expect(typeof lookup(messages, key), `${key} in ${name}.json`).toBe('string')
}

function info(fields: Partial<ChatErrorInfo> & { code: string }): ChatErrorInfo {
  return { type: 'http', message: 'detail from the relay', ...fields }
}

// Each relay code, with the status and type the relay's JSON error response carries.
const relayCodes: Array<{ code: string, status: number, type: ChatErrorInfo['type'], key: string }> = [
  { code: 'invalid_access_token', status: 401, type: 'http', key: 'errors.accessToken' },
  { code: 'origin_not_allowed', status: 403, type: 'http', key: 'errors.origin' },
  { code: 'upstream_auth_failed', status: 502, type: 'http', key: 'errors.upstreamAuth' },
  { code: 'upstream_unavailable', status: 502, type: 'http', key: 'errors.upstreamDown' },
  { code: 'upstream_protocol_error', status: 502, type: 'http', key: 'errors.upstreamDown' },
  { code: 'upstream_timeout', status: 504, type: 'timeout', key: 'errors.timeout' },
  { code: 'upstream_network_error', status: 502, type: 'http', key: 'errors.streamBroken' },
  { code: 'upstream_stream_error', status: 502, type: 'http', key: 'errors.streamBroken' },
  { code: 'stream_truncated', status: 502, type: 'http', key: 'errors.streamBroken' },
  { code: 'payload_too_large', status: 413, type: 'http', key: 'errors.tooLarge' },
  { code: 'upstream_bad_request', status: 400, type: 'http', key: 'errors.badRequest' },
  { code: 'invalid_request', status: 400, type: 'http', key: 'errors.badRequest' },
  { code: 'rate_limited', status: 429, type: 'http', key: 'errors.rateLimited' },
]

describe('localizeError', () => {
  it.each(relayCodes)('maps the JSON error $code ($status) to $key', ({ code, status, type, key }) => {
    const localized = localizeError(info({ code, status, type }))

    expect(localized).toEqual({ key, params: { message: 'detail from the relay', seconds: 0 } })
    expectInBothLocales(key)
  })

  it.each(relayCodes)('maps the error frame $code to $key', ({ code, key }) => {
    const error = chatErrorFromFrame({ error: { message: 'frame detail', type: 'upstream_error', code } })

    expect(localizeError(error).key).toBe(key)
  })

  it('maps the client\'s own network_error to errors.network', () => {
    expect(localizeError(toChatError(new TypeError('Failed to fetch'))).key).toBe('errors.network')
    expectInBothLocales('errors.network')
  })

  it('names the seconds to wait when the rate limit says so', () => {
    expect(localizeError(info({ code: 'rate_limited', status: 429, retryAfterSeconds: 12 }))).toEqual({
      key: 'errors.rateLimitedFor',
      params: { message: 'detail from the relay', seconds: 12 },
    })
    expectInBothLocales('errors.rateLimitedFor')
  })

  it('treats any 429 as a rate limit, even without the relay code', () => {
    expect(localizeError(info({ code: 'http_429', status: 429 })).key).toBe('errors.rateLimited')
    expect(localizeError(info({ code: 'http_429', status: 429, retryAfterSeconds: 3 })).key).toBe('errors.rateLimitedFor')
  })

  it('falls back on the type, then the status, for codes it does not know', () => {
    expect(localizeError(info({ code: 'http_504', type: 'timeout', status: 504 })).key).toBe('errors.timeout')
    expect(localizeError(info({ code: 'something_else', type: 'network' })).key).toBe('errors.network')
    expect(localizeError(info({ code: 'http_401', status: 401 })).key).toBe('errors.accessToken')
    expect(localizeError(info({ code: 'http_502', status: 502 })).key).toBe('errors.upstreamDown')
    // A plain 500 comes from the relay itself, not from the provider.
    expect(localizeError(info({ code: 'http_500', status: 500 })).key).toBe('errors.relayFailed')
    expect(localizeError(info({ code: 'internal_error', type: 'http' })).key).toBe('errors.relayFailed')
    expect(localizeError(info({ code: 'not_found', status: 404 })).key).toBe('errors.notFound')
    expect(localizeError(info({ code: 'http_418', status: 418 })).key).toBe('errors.unknown')
    expect(localizeError(info({ code: 'malformed_chunk', type: 'protocol' })).key).toBe('errors.unknown')
    expect(localizeError(info({ code: 'not_an_event_stream', status: 200 })).key).toBe('errors.unknown')
  })

  it('only returns keys that exist in both locales, with the placeholders they fill', () => {
    const every = ['errors.accessToken', 'errors.origin', 'errors.upstreamAuth', 'errors.upstreamDown', 'errors.timeout', 'errors.streamBroken', 'errors.network', 'errors.tooLarge', 'errors.badRequest', 'errors.rateLimited', 'errors.rateLimitedFor', 'errors.notFound', 'errors.relayFailed', 'errors.unknown']
    for (const key of every)
      expectInBothLocales(key)
    for (const messages of [en, ko]) {
      expect(messages.errors.rateLimitedFor).toContain('{seconds}')
      expect(messages.errors.badRequest).toContain('{message}')
      expect(messages.errors.unknown).toContain('{message}')
    }
    expect(Object.keys(ko.errors).sort()).toEqual(Object.keys(en.errors).sort())
  })
})

describe('toChatError', () => {
  it('turns a fetch TypeError into a network error', () => {
    const error = toChatError(new TypeError('Failed to fetch'))

    expect(error).toBeInstanceOf(ChatError)
    expect(error.toJSON()).toEqual({ type: 'network', code: 'network_error', message: 'Failed to fetch', status: undefined, retryAfterSeconds: undefined })
  })

  it('passes a ChatError through unchanged', () => {
    const original = new ChatError({ type: 'protocol', code: 'malformed_chunk', message: 'bad' })
    expect(toChatError(original)).toBe(original)
  })

  it('keeps the text of a thrown non-Error', () => {
    expect(toChatError('boom').message).toBe('boom')
    expect(toChatError('boom').type).toBe('network')
  })
})

describe('chatErrorFromResponse', () => {
  it('reads the OpenAI-shaped body, the status and Retry-After', async () => {
    const response = new Response(JSON.stringify({ error: { message: 'Slow down.', type: 'rate_limit_error', code: 'rate_limited' } }), {
      status: 429,
      headers: { 'content-type': 'application/json', 'retry-after': '7' },
    })
    expect((await chatErrorFromResponse(response)).toJSON()).toEqual({
      type: 'http',
      code: 'rate_limited',
      message: 'Slow down.',
      status: 429,
      retryAfterSeconds: 7,
    })
  })

  it('treats 408 and 504 as timeouts', async () => {
    expect((await chatErrorFromResponse(new Response('', { status: 408 }))).type).toBe('timeout')
    expect((await chatErrorFromResponse(new Response('', { status: 504 }))).type).toBe('timeout')
    expect((await chatErrorFromResponse(new Response('', { status: 502 }))).type).toBe('http')
  })

  it('uses http_<status> and the body text when the body is not an error JSON', async () => {
    const error = await chatErrorFromResponse(new Response('upstream connect error', { status: 503 }))
    expect(error.code).toBe('http_503')
    expect(error.message).toBe('upstream connect error')

    const empty = await chatErrorFromResponse(new Response(null, { status: 500 }))
    expect(empty.message).toBe('HTTP 500')
  })

  it('ignores a Retry-After that is not a positive number of seconds', async () => {
    for (const value of ['0', '-3', 'soon', 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      const error = await chatErrorFromResponse(new Response('', { status: 429, headers: { 'retry-after': value } }))
      expect(error.retryAfterSeconds, value).toBeUndefined()
    }
  })
})

describe('parseErrorBody', () => {
  it('accepts only an object with error.message as a string', () => {
    expect(parseErrorBody('{"error":{"message":"m","type":"t","code":null}}')).toEqual({ error: { message: 'm', type: 't', code: null } })
    expect(parseErrorBody('{"error":"just a string"}')).toBeNull()
    expect(parseErrorBody('{"error":{"code":"x"}}')).toBeNull()
    expect(parseErrorBody('null')).toBeNull()
    expect(parseErrorBody('<html>')).toBeNull()
    expect(parseErrorBody('')).toBeNull()
  })
})

describe('chatErrorFromFrame', () => {
  it('classifies frames by code', () => {
    const frame = (code: string | null) => chatErrorFromFrame({ error: { message: 'm', type: 'upstream_error', code } })

    expect(frame('upstream_timeout').type).toBe('timeout')
    expect(frame('stream_truncated').type).toBe('network')
    expect(frame('upstream_network_error').type).toBe('network')
    expect(frame('upstream_stream_error').type).toBe('network')
    expect(frame('upstream_unavailable').type).toBe('http')
    expect(frame(null).code).toBe('upstream_stream_error')
    expect(frame(null).type).toBe('network')
  })
})
