import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createApp } from '../../relay/app'
import { loadConfig } from '../../relay/config'
import { createHttpFetch } from '../../relay/http-fetch'
import { chatFrames, createMockUpstream, listen } from '../fixtures/mock-upstream'

describe('the relay\'s fetch on node:http', () => {
  const mock = createMockUpstream()
  let server: Awaited<ReturnType<typeof listen>>
  const fetch = createHttpFetch()
  beforeAll(async () => {
    server = await listen(mock)
  })
  afterAll(() => server.close())

  it('posts the body and headers, and streams the answer back chunk by chunk', async () => {
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(['안녕', '하세요']), delayMs: 5 }))
    const response = await fetch(`${server.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer sk-test-key-0123456789' },
      body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [] }),
      signal: new AbortController().signal,
    })
    expect(response.status).toBe(200)
    expect(response.ok).toBe(true)
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(response.headers.get('Content-Type')).toBe('text/event-stream')
    expect(response.headers.get('x-not-sent')).toBeNull()
    const pieces: string[] = []
    const decoder = new TextDecoder()
    const reader = response.body!.getReader()
    for (let result = await reader.read(); !result.done; result = await reader.read())
      pieces.push(decoder.decode(result.value, { stream: true }))
    expect(pieces.join('')).toBe(chatFrames(['안녕', '하세요']).join(''))
    expect(pieces.length).toBeGreaterThan(1)
    const received = mock.requests.at(-1)!
    expect(received.body).toEqual({ model: 'gpt-4.1', stream: true, messages: [] })
    expect(received.headers.get('authorization')).toBe('Bearer sk-test-key-0123456789')
  })

  it('gives error statuses as responses with their body', async () => {
    mock.setScript(() => ({ type: 'json', status: 429, body: { error: { message: 'slow down' } }, headers: { 'Retry-After': '7' } }))
    const response = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}' })
    expect(response.status).toBe(429)
    expect(response.ok).toBe(false)
    expect(response.headers.get('Retry-After')).toBe('7')
    expect(await response.json()).toEqual({ error: { message: 'slow down' } })
  })

  it('aborts the upstream request when the signal aborts mid-stream', async () => {
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(['x'], { finish: false, done: false }), hangAfter: true }))
    const stop = new AbortController()
    const response = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}', signal: stop.signal })
    const reader = response.body!.getReader()
    await reader.read()
    stop.abort()
    // The body ends or fails, after what was already buffered: the relay stops reading either way.
    const drained = async () => {
      let result = await reader.read()
      while (!result.done)
        result = await reader.read()
    }
    await drained().catch(() => {})
    await vi.waitFor(() => expect(mock.requests.at(-1)!.signal.aborted).toBe(true))
  })

  it('closes the upstream connection when the body is cancelled', async () => {
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(['x'], { finish: false, done: false }), hangAfter: true }))
    const response = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}' })
    const reader = response.body!.getReader()
    await reader.read()
    await reader.cancel()
    await vi.waitFor(() => expect(mock.requests.at(-1)!.signal.aborted).toBe(true))
  })

  it('holds one chunk at a time while nobody reads, and delivers all of them in order', async () => {
    const words = Array.from({ length: 50 }, (_, i) => `w${i}`)
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(words) }))
    const response = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}' })
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(await response.text()).toBe(chatFrames(words).join(''))
  })

  it('fails the body, not ends it cleanly, when the connection breaks mid-stream', async () => {
    mock.setScript(() => ({ type: 'sse', chunks: chatFrames(['x'], { finish: false, done: false }), resetAfter: true }))
    const response = await fetch(`${server.baseUrl}/chat/completions`, { method: 'POST', body: '{}' })
    const reader = response.body!.getReader()
    const read = async () => {
      for (;;) {
        if ((await reader.read()).done)
          return 'ended'
      }
    }
    await expect(read()).rejects.toThrow()
  })

  it('keeps one upstream connection for answer after answer: a finished body is read to its end, not cut off', async () => {
    // Its own upstream, so that the connections counted are this test's.
    // The body ends a little after [DONE], as it does when they come in separate packets.
    const own = createMockUpstream(() => ({ type: 'sse', chunks: [...chatFrames(['하나', '둘']), ': end of answer\n\n'], delayMs: 10 }))
    const ownServer = await listen(own)
    try {
      const app = createApp({ config: loadConfig({ OPENAI_BASE_URL: ownServer.baseUrl, OPENAI_API_KEY: 'sk-test-key-0123456789' }), fetch: createHttpFetch() })
      for (let i = 0; i < 3; i++) {
        const response = await app.request('/v1/chat/completions', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ model: 'gpt-4.1', stream: true, messages: [{ role: 'user', content: '세어 줘' }] }),
        })
        expect(await response.text()).toContain('data: [DONE]')
        // The rest of the upstream body is read after [DONE] went out: give it a moment.
        await new Promise(resolve => setTimeout(resolve, 100))
      }
      expect(own.requests).toHaveLength(3)
      expect(ownServer.connections()).toBe(1)
    }
    finally {
      await ownServer.close()
    }
  })

  it('rejects like fetch when nothing listens', async () => {
    await expect(fetch('http://127.0.0.1:1/v1/models')).rejects.toThrow('fetch failed')
  })
})
