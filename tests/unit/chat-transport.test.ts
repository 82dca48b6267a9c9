// @vitest-environment jsdom
import type { ChatCompletionChunk } from '../../relay/protocol'
import type { StreamChatOptions, StreamResult } from '../../src/lib/chat/transport'
import { fetchEventSource } from '@microsoft/fetch-event-source'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { ChatError } from '../../src/lib/chat/errors'
import { streamChatCompletion } from '../../src/lib/chat/transport'
import { bodyOf, cutAt, seededRandom } from '../fixtures/chunking'

const BASE_URL = 'http://relay.test/v1'
const encoder = new TextEncoder()

function chunkJson(content: string | null, extra: { finish?: string, model?: string } = {}): string {
  const chunk: ChatCompletionChunk = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: extra.model ?? 'gpt-4.1',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: extra.finish ?? null }],
  }
  return JSON.stringify(chunk)
}

function textBody(...parts: string[]): ReadableStream<Uint8Array> {
  return bodyOf(parts)
}

function eventStream(body: ReadableStream<Uint8Array>, init: ResponseInit = {}): Response {
  return new Response(body, { status: 200, ...init, headers: { 'content-type': 'text/event-stream', ...(init.headers as Record<string, string> | undefined) } })
}

function fakeFetch(respond: () => Response | Promise<Response>) {
  return vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => respond())
}

interface Run {
  result: Promise<StreamResult>
  chunks: ChatCompletionChunk[]
  contents: () => Array<string | null | undefined>
  controller: AbortController
}

function run(fetch: typeof globalThis.fetch, options: Partial<StreamChatOptions> = {}): Run {
  const chunks: ChatCompletionChunk[] = []
  const controller = new AbortController()
  const result = streamChatCompletion({
    baseUrl: BASE_URL,
    request: { model: 'gpt-4.1', messages: [{ role: 'user', content: '안녕' }] },
    signal: controller.signal,
    onChunk: chunk => chunks.push(chunk),
    fetch,
    ...options,
  })
  return { result, chunks, contents: () => chunks.map(c => c.choices[0]?.delta.content), controller }
}

async function rejection(promise: Promise<unknown>): Promise<ChatError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ChatError)
  return error as ChatError
}

/** Settles the run, then lets any retry timer fetch-event-source may have armed fire. */
async function expectNoRetry(fetch: ReturnType<typeof fakeFetch>) {
  expect(fetch).toHaveBeenCalledTimes(1)
  await vi.advanceTimersByTimeAsync(10_000)
  expect(fetch).toHaveBeenCalledTimes(1)
}

function useTimers() {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] })
}

/**
 * A body the test feeds by hand. It is pulled one chunk per read, so `drained`
 * resolves only once the reader has handled every chunk and asked for more after
 * `close()`. Like a real fetch body, it errors when the request is aborted.
 */
function liveBody() {
  const queue: Array<Uint8Array | 'end'> = []
  let wake: (() => void) | undefined
  let stream!: ReadableStreamDefaultController<Uint8Array>
  let markDrained!: () => void
  const drained = new Promise<void>((resolve) => {
    markDrained = resolve
  })
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      stream = controller
    },
    async pull(controller) {
      while (queue.length === 0)
        await new Promise<void>(resolve => (wake = resolve))
      const next = queue.shift()!
      if (next === 'end') {
        controller.close()
        markDrained()
      }
      else {
        controller.enqueue(next)
      }
    },
  }, { highWaterMark: 0 })
  const add = (item: Uint8Array | 'end') => {
    queue.push(item)
    wake?.()
  }
  return {
    drained,
    push: (text: string) => add(encoder.encode(text)),
    close: () => add('end'),
    fetch: vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      init?.signal?.addEventListener('abort', () => stream.error(new DOMException('The operation was aborted.', 'AbortError')))
      return eventStream(body)
    }),
  }
}

/** Resolves once `onChunk` has been called `count` times in total. */
function chunkWaiter() {
  const chunks: ChatCompletionChunk[] = []
  const waiters: Array<{ count: number, resolve: () => void }> = []
  return {
    chunks,
    onChunk(chunk: ChatCompletionChunk) {
      chunks.push(chunk)
      for (const waiter of waiters.filter(w => w.count <= chunks.length))
        waiter.resolve()
    },
    until: (count: number) => new Promise<void>((resolve) => {
      if (chunks.length >= count)
        resolve()
      else
        waiters.push({ count, resolve })
    }),
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('streamChatCompletion: a normal stream', () => {
  it('delivers every chunk in order and resolves done on [DONE]', async () => {
    const fetch = fakeFetch(() => eventStream(textBody(
      `data: ${chunkJson('안녕')}\n\n`,
      `data: ${chunkJson('하세요')}\n\n`,
      `data: ${chunkJson(null, { finish: 'stop' })}\n\n`,
      'data: [DONE]\n\n',
    )))
    const { result, chunks, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['안녕', '하세요', undefined])
    expect(chunks[2]!.choices[0]!.finish_reason).toBe('stop')
  })

  it('posts once to {baseUrl}/chat/completions with stream: true and the bearer token', async () => {
    const fetch = fakeFetch(() => eventStream(textBody('data: [DONE]\n\n')))
    const { result } = run(fetch, {
      baseUrl: `${BASE_URL}/`,
      accessToken: 'relay-token-0123456789',
      request: { model: 'claude-sonnet-4', messages: [{ role: 'user', content: '질문' }], temperature: 0.2 },
    })
    await expect(result).resolves.toBe('done')

    expect(fetch).toHaveBeenCalledTimes(1)
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('http://relay.test/v1/chat/completions')
    expect(init?.method).toBe('POST')
    const headers = new Headers(init?.headers)
    expect(headers.get('authorization')).toBe('Bearer relay-token-0123456789')
    expect(headers.get('content-type')).toBe('application/json')
    expect(headers.get('accept')).toBe('text/event-stream')
    expect(JSON.parse(String(init?.body))).toEqual({
      model: 'claude-sonnet-4',
      messages: [{ role: 'user', content: '질문' }],
      temperature: 0.2,
      stream: true,
    })
  })

  it('sends no Authorization header without an access token', async () => {
    const fetch = fakeFetch(() => eventStream(textBody('data: [DONE]\n\n')))
    await run(fetch, { accessToken: '' }).result
    await run(fetch).result

    expect(fetch).toHaveBeenCalledTimes(2)
    for (const [, init] of fetch.mock.calls)
      expect(new Headers(init?.headers).has('authorization')).toBe(false)
  })

  it('ignores anything after [DONE]', async () => {
    const fetch = fakeFetch(() => eventStream(textBody(
      `data: ${chunkJson('a')}\n\ndata: [DONE]\n\ndata: ${chunkJson('late')}\n\ndata: not json\n\n`,
    )))
    const { result, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['a'])
  })
})

describe('streamChatCompletion: SSE framing real upstreams send', () => {
  it('reads CRLF line endings', async () => {
    const fetch = fakeFetch(() => eventStream(textBody(
      `data: ${chunkJson('one')}\r\n\r\n`,
      `data: ${chunkJson('two')}\r\n\r\ndata: [DONE]\r\n\r\n`,
    )))
    const { result, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['one', 'two'])
  })

  it('reads a CRLF split between the CR and the LF', async () => {
    const fetch = fakeFetch(() => eventStream(textBody(
      `data: ${chunkJson('one')}\r`,
      `\n\r`,
      `\ndata: [DONE]\r\n\r\n`,
    )))
    const { result, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['one'])
  })

  it('skips comment lines between events', async () => {
    const fetch = fakeFetch(() => eventStream(textBody(
      ': keepalive\n\n',
      `data: ${chunkJson('a')}\n\n: keepalive\n\n: OPENROUTER PROCESSING\n\n`,
      `data: ${chunkJson('b')}\n\n: keepalive\n\ndata: [DONE]\n\n`,
    )))
    const { result, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['a', 'b'])
  })

  it('reads data: without a space after the colon', async () => {
    const fetch = fakeFetch(() => eventStream(textBody(`data:${chunkJson('tight')}\n\ndata:[DONE]\n\n`)))
    const { result, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['tight'])
  })

  it('joins a Korean character whose UTF-8 bytes arrive in two network chunks', async () => {
    const bytes = encoder.encode(`data: ${chunkJson('한국')}\n\ndata: [DONE]\n\n`)
    const han = encoder.encode('한')
    const start = bytes.findIndex((_, i) => han.every((b, j) => bytes[i + j] === b))
    expect(start).toBeGreaterThan(0)
    // Cut after the first byte of the three-byte '한'.
    const fetch = fakeFetch(() => eventStream(bodyOf(cutAt(bytes, [start + 1]))))
    const { result, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['한국'])
  })

  it('reads the same content however the bytes are cut (50 seeded random chunkings)', async () => {
    const text = [
      ': connected\r\n\r\n',
      `data: ${chunkJson('안녕하세요, ')}\r\n\r\n`,
      `data:${chunkJson('세계 🌏 ')}\n\n`,
      ': keepalive\n\n',
      `data: ${chunkJson('**굵게**\n```ts\nconst a = 1\n```')}\r\n\r\n`,
      `data: ${chunkJson('끝.', { finish: 'stop' })}\n\n`,
      'data: [DONE]\n\n',
    ].join('')
    const bytes = encoder.encode(text)
    const expected = ['안녕하세요, ', '세계 🌏 ', '**굵게**\n```ts\nconst a = 1\n```', '끝.']
    const random = seededRandom(20240601)

    for (let iteration = 0; iteration < 50; iteration++) {
      const cutCount = 1 + Math.floor(random() * 40)
      const cuts = Array.from({ length: cutCount }, () => Math.floor(random() * bytes.length))
      const pieces = cutAt(bytes, cuts)
      const fetch = fakeFetch(() => eventStream(bodyOf(pieces)))
      const { result, contents } = run(fetch)

      await expect(result, `iteration ${iteration}`).resolves.toBe('done')
      expect(contents(), `iteration ${iteration}, cuts ${cuts.join(',')}`).toEqual(expected)
    }
  })

  it('reads a stream delivered one byte at a time', async () => {
    const bytes = encoder.encode(`data: ${chunkJson('한 글자씩')}\r\n\r\ndata: [DONE]\r\n\r\n`)
    const fetch = fakeFetch(() => eventStream(bodyOf(Array.from(bytes, b => Uint8Array.of(b)))))
    const { result, contents } = run(fetch)

    await expect(result).resolves.toBe('done')
    expect(contents()).toEqual(['한 글자씩'])
  })
})

describe('streamChatCompletion: failures, each with exactly one request', () => {
  it('rejects a stream that ends without [DONE] as connection_lost, after delivering what came', async () => {
    useTimers()
    const fetch = fakeFetch(() => eventStream(textBody(`data: ${chunkJson('반')}\n\n`, `data: ${chunkJson('쯤')}\n\n`)))
    const { result, contents } = run(fetch)

    const error = await rejection(result)
    expect(error.type).toBe('network')
    expect(error.code).toBe('connection_lost')
    expect(contents()).toEqual(['반', '쯤'])
    await expectNoRetry(fetch)
  })

  it('rejects a 401 JSON error with its status and code', async () => {
    useTimers()
    const fetch = fakeFetch(() => new Response(
      JSON.stringify({ error: { message: 'The relay needs a valid access token.', type: 'authentication_error', code: 'invalid_access_token' } }),
      { status: 401, headers: { 'content-type': 'application/json' } },
    ))
    const { result, chunks } = run(fetch)

    const error = await rejection(result)
    expect(error.toJSON()).toEqual({
      type: 'http',
      code: 'invalid_access_token',
      message: 'The relay needs a valid access token.',
      status: 401,
      retryAfterSeconds: undefined,
    })
    expect(chunks).toEqual([])
    await expectNoRetry(fetch)
  })

  it('rejects a 429 with the Retry-After seconds', async () => {
    useTimers()
    const fetch = fakeFetch(() => new Response(
      JSON.stringify({ error: { message: 'Slow down.', type: 'rate_limit_error', code: 'rate_limited' } }),
      { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '12' } },
    ))
    const error = await rejection(run(fetch).result)

    expect(error.type).toBe('http')
    expect(error.status).toBe(429)
    expect(error.code).toBe('rate_limited')
    expect(error.retryAfterSeconds).toBe(12)
    await expectNoRetry(fetch)
  })

  it('rejects a 504 as a timeout', async () => {
    useTimers()
    const fetch = fakeFetch(() => new Response(
      JSON.stringify({ error: { message: 'The provider took too long.', type: 'upstream_error', code: 'upstream_timeout' } }),
      { status: 504, headers: { 'content-type': 'application/json' } },
    ))
    const error = await rejection(run(fetch).result)

    expect(error.type).toBe('timeout')
    expect(error.status).toBe(504)
    expect(error.code).toBe('upstream_timeout')
    await expectNoRetry(fetch)
  })

  it('names a non-JSON error page by its status', async () => {
    useTimers()
    const fetch = fakeFetch(() => new Response('<h1>Bad Gateway</h1>', { status: 502, headers: { 'content-type': 'text/html' } }))
    const error = await rejection(run(fetch).result)

    expect(error.type).toBe('http')
    expect(error.code).toBe('http_502')
    expect(error.message).toBe('<h1>Bad Gateway</h1>')
    await expectNoRetry(fetch)
  })

  it('rejects a 200 that is an HTML page instead of an event stream', async () => {
    useTimers()
    const fetch = fakeFetch(() => new Response('<!doctype html><title>Sori</title>', { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } }))
    const { result, chunks } = run(fetch)

    const error = await rejection(result)
    expect(error.type).toBe('http')
    expect(error.status).toBe(200)
    expect(error.code).toBe('not_an_event_stream')
    expect(chunks).toEqual([])
    await expectNoRetry(fetch)
  })

  it('rejects with the code of an error frame sent mid-stream, after the earlier chunks', async () => {
    useTimers()
    const fetch = fakeFetch(() => eventStream(textBody(
      `id: 1\ndata: ${chunkJson('앞부분')}\n\n`,
      'id: 2\ndata: {"error":{"message":"x","type":"upstream_error","code":"upstream_unavailable"}}\n\n',
      `id: 3\ndata: ${chunkJson('never')}\n\ndata: [DONE]\n\n`,
    )))
    const { result, contents } = run(fetch)

    const error = await rejection(result)
    expect(error.code).toBe('upstream_unavailable')
    expect(error.message).toBe('x')
    expect(error.type).toBe('http')
    expect(contents()).toEqual(['앞부분'])
    await expectNoRetry(fetch)
  })

  it('treats a stream_truncated error frame as a network failure', async () => {
    useTimers()
    const fetch = fakeFetch(() => eventStream(textBody(
      'data: {"error":{"message":"cut","type":"upstream_error","code":"stream_truncated"}}\n\n',
    )))
    const error = await rejection(run(fetch).result)

    expect(error.type).toBe('network')
    expect(error.code).toBe('stream_truncated')
    await expectNoRetry(fetch)
  })

  it('rejects data that is not JSON as a protocol error', async () => {
    useTimers()
    const fetch = fakeFetch(() => eventStream(textBody(`data: ${chunkJson('ok')}\n\n`, 'data: {"choices": [\n\n', 'data: [DONE]\n\n')))
    const { result, contents } = run(fetch)

    const error = await rejection(result)
    expect(error.type).toBe('protocol')
    expect(error.code).toBe('malformed_chunk')
    expect(contents()).toEqual(['ok'])
    await expectNoRetry(fetch)
  })

  it('rejects JSON that is not a chunk as a protocol error', async () => {
    useTimers()
    const fetch = fakeFetch(() => eventStream(textBody('data: {"hello":"world"}\n\n', 'data: [DONE]\n\n')))
    const error = await rejection(run(fetch).result)

    expect(error.type).toBe('protocol')
    expect(error.code).toBe('malformed_chunk')
    await expectNoRetry(fetch)
  })

  it('rejects as network_error when fetch itself fails', async () => {
    useTimers()
    const fetch = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit): Promise<Response> => {
      throw new TypeError('Failed to fetch')
    })
    const error = await rejection(run(fetch).result)

    expect(error.type).toBe('network')
    expect(error.code).toBe('network_error')
    expect(error.message).toBe('Failed to fetch')
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(10_000)
    expect(fetch).toHaveBeenCalledTimes(1)
  })

  it('rejects as a network failure when the body breaks mid-stream', async () => {
    useTimers()
    let sent = false
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (!sent) {
          sent = true
          controller.enqueue(encoder.encode(`data: ${chunkJson('부분')}\n\n`))
        }
        else {
          controller.error(new TypeError('network error'))
        }
      },
    })
    const fetch = fakeFetch(() => eventStream(body))
    const { result, contents } = run(fetch)

    const error = await rejection(result)
    expect(error.type).toBe('network')
    expect(error.code).toBe('network_error')
    expect(contents()).toEqual(['부분'])
    await expectNoRetry(fetch)
  })

  it('would notice a retry: fetch-event-source re-sends after 1 s when onerror returns', async () => {
    // Proves the fake timers above can see a retry: the library's own default is to retry.
    useTimers()
    const fetch = fakeFetch(() => new Response('nope', { status: 500, headers: { 'content-type': 'text/plain' } }))
    const controller = new AbortController()
    void fetchEventSource(`${BASE_URL}/chat/completions`, {
      fetch,
      signal: controller.signal,
      openWhenHidden: true,
      onerror: () => {},
    })
    await vi.advanceTimersByTimeAsync(0)
    expect(fetch).toHaveBeenCalledTimes(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(fetch).toHaveBeenCalledTimes(2)
    controller.abort()
  })
})

describe('streamChatCompletion: stopping and hidden tabs', () => {
  it('resolves aborted when the signal is aborted mid-stream, and delivers nothing more', async () => {
    const body = liveBody()
    const waiter = chunkWaiter()
    const { result, controller } = run(body.fetch, { onChunk: waiter.onChunk })

    body.push(`data: ${chunkJson('첫')}\n\n`)
    await waiter.until(1)
    controller.abort()
    await expect(result).resolves.toBe('aborted')

    expect(waiter.chunks.map(c => c.choices[0]?.delta.content)).toEqual(['첫'])
    expect(body.fetch).toHaveBeenCalledTimes(1)
  })

  it('sends no request when the signal is already aborted', async () => {
    const body = liveBody()
    const controller = new AbortController()
    controller.abort()
    const { result, chunks } = run(body.fetch, { signal: controller.signal })
    body.push(`data: ${chunkJson('비싼 답')}\n\ndata: [DONE]\n\n`)
    body.close()

    await expect(result).resolves.toBe('aborted')
    expect(body.fetch).not.toHaveBeenCalled()
    expect(chunks).toEqual([])
  })

  it('delivers nothing after an abort made from inside onChunk, even from the same network chunk', async () => {
    const body = liveBody()
    const delivered: string[] = []
    const controller = new AbortController()
    const { result } = run(body.fetch, {
      signal: controller.signal,
      onChunk(chunk) {
        delivered.push(String(chunk.choices[0]?.delta.content))
        controller.abort()
      },
    })

    body.push(`data: ${chunkJson('one')}\n\ndata: ${chunkJson('two')}\n\ndata: [DONE]\n\n`)
    body.close()
    await expect(result).resolves.toBe('aborted')
    expect(delivered).toEqual(['one'])
  })

  it('keeps streaming, with one request, when the tab becomes hidden and visible again', async () => {
    const body = liveBody()
    const waiter = chunkWaiter()
    const { result } = run(body.fetch, { onChunk: waiter.onChunk })
    try {
      body.push(`data: ${chunkJson('보이는 중')}\n\n`)
      await waiter.until(1)

      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true })
      document.dispatchEvent(new Event('visibilitychange'))
      body.push(`data: ${chunkJson('숨은 중')}\n\n`)
      await waiter.until(2)

      Object.defineProperty(document, 'hidden', { configurable: true, get: () => false })
      document.dispatchEvent(new Event('visibilitychange'))
      body.push(`data: ${chunkJson('다시 보임')}\n\ndata: [DONE]\n\n`)
      body.close()

      await expect(result).resolves.toBe('done')
      expect(waiter.chunks.map(c => c.choices[0]?.delta.content)).toEqual(['보이는 중', '숨은 중', '다시 보임'])
      expect(body.fetch).toHaveBeenCalledTimes(1)
    }
    finally {
      delete (document as { hidden?: boolean }).hidden
    }
  })
})
