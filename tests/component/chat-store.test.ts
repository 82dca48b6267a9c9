import type { ChatCompletionChunk, ChatCompletionRequest, ErrorBody } from '../../relay/protocol'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_RECONNECTS } from '../../src/lib/chat/reconnect'
import { useChatStore } from '../../src/stores/chat'
import { useSettingsStore } from '../../src/stores/settings'
import { openStream } from './open-stream'

// The real chat store against a fake relay: fetch is stubbed globally because
// the transport (fetch-event-source) reads `window.fetch` when it is called.

function chunk(content: string, finishReason: string | null = null): ChatCompletionChunk {
  return { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 0, model: 'sori-demo', choices: [{ index: 0, delta: { content }, finish_reason: finishReason }] }
}

function sse(...frames: Array<ChatCompletionChunk | ErrorBody | '[DONE]'>): string {
  return frames.map(frame => `data: ${typeof frame === 'string' ? frame : JSON.stringify(frame)}\n\n`).join('')
}

type Reply = (signal: AbortSignal | null | undefined) => Response

function eventStream(text: string): Reply {
  return (signal) => {
    const stream = openStream(signal)
    stream.write(text)
    stream.close()
    return new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } })
  }
}

function jsonError(status: number, code: string, message: string): Reply {
  return () => new Response(JSON.stringify({ error: { message, type: 'relay_error', code } }), {
    status,
    headers: { 'content-type': 'application/json' },
  })
}

/** A fake relay: answers each chat request with the next reply and records what was posted; cancels are recorded apart. */
function fakeRelay(...replies: Reply[]) {
  const requests: Array<{ url: string, headers: Record<string, string>, body: ChatCompletionRequest }> = []
  const cancels: string[] = []
  const fetch = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).endsWith('/cancel')) {
      cancels.push(String(input))
      return new Response('{}', { headers: { 'content-type': 'application/json' } })
    }
    requests.push({
      url: String(input),
      // fetch-event-source updates its headers object on retries: keep what this request carried.
      headers: { ...init?.headers as Record<string, string> },
      body: JSON.parse(String(init?.body)) as ChatCompletionRequest,
    })
    const reply = replies.shift()
    if (!reply)
      throw new Error('The fake relay got more requests than the test expected.')
    return reply(init?.signal)
  })
  vi.stubGlobal('fetch', fetch)
  return { fetch, requests, cancels }
}

function messagesOf(chat: ReturnType<typeof useChatStore>) {
  return chat.active?.messages ?? []
}

beforeEach(() => {
  setActivePinia(createPinia())
  // fetch-event-source re-sends on a timer; faking timers lets a test run any
  // pending one at once and see that nothing goes out again.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
})

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
  localStorage.clear()
})

/** No request went out again behind the test's back, and none is scheduled to. */
/** No question went out more than `times` times (cancels do not count), even after pending timers ran. */
function expectSentOnce(fetch: ReturnType<typeof fakeRelay>['fetch'], times = 1) {
  vi.runAllTimers()
  expect(fetch.mock.calls.filter(([input]) => !String(input).endsWith('/cancel'))).toHaveLength(times)
}

describe('chat store against a relay', () => {
  it('sends a question and streams the answer into a new conversation', async () => {
    const { fetch, requests } = fakeRelay(eventStream(sse(chunk('안녕'), chunk('하세요!', 'stop'), '[DONE]')))
    useSettingsStore().model = 'sori-demo'
    const chat = useChatStore()

    await chat.send('안녕')

    expect(chat.conversations).toHaveLength(1)
    expect(chat.active?.title).toBe('안녕')
    expect(messagesOf(chat)).toMatchObject([
      { role: 'user', content: '안녕', status: 'done' },
      { role: 'assistant', content: '안녕하세요!', status: 'done', finishReason: 'stop', model: 'sori-demo' },
    ])
    expect(messagesOf(chat)[1]?.stopped).toBeUndefined()
    expect(chat.isStreaming).toBe(false)
    expect(requests[0]?.url).toBe('http://localhost:3000/v1/chat/completions')
    expect(requests[0]?.body).toMatchObject({ model: 'sori-demo', stream: true, messages: [{ role: 'user', content: '안녕' }] })
    expectSentOnce(fetch)
  })

  it('sends the access token when one is set', async () => {
    const { requests } = fakeRelay(eventStream(sse(chunk('Hi'), '[DONE]')))
    useSettingsStore().accessToken = 'secret-token'

    await useChatStore().send('Hello')

    expect(requests[0]?.headers.Authorization).toBe('Bearer secret-token')
  })

  it('posts the whole conversation with a follow-up question', async () => {
    const { fetch, requests } = fakeRelay(
      eventStream(sse(chunk('Seoul is sunny.'), '[DONE]')),
      eventStream(sse(chunk('Busan is rainy.'), '[DONE]')),
    )
    const chat = useChatStore()

    await chat.send('Weather in Seoul?')
    await chat.send('And Busan?')

    expect(chat.conversations).toHaveLength(1)
    expect(requests[1]?.body.messages).toEqual([
      { role: 'user', content: 'Weather in Seoul?' },
      { role: 'assistant', content: 'Seoul is sunny.' },
      { role: 'user', content: 'And Busan?' },
    ])
    expect(messagesOf(chat).map(m => m.content)).toEqual(['Weather in Seoul?', 'Seoul is sunny.', 'And Busan?', 'Busan is rainy.'])
    expectSentOnce(fetch, 2)
  })

  it('ends the answer in an error when the relay rejects the access token, keeping the question', async () => {
    const { fetch } = fakeRelay(jsonError(401, 'invalid_access_token', 'Missing or invalid access token.'))
    const chat = useChatStore()

    await chat.send('Hello')

    const [question, answer] = messagesOf(chat)
    expect(question).toMatchObject({ role: 'user', content: 'Hello', status: 'done' })
    expect(answer).toMatchObject({ role: 'assistant', content: '', status: 'error' })
    expect(answer?.error).toMatchObject({ type: 'http', code: 'invalid_access_token', status: 401, message: 'Missing or invalid access token.' })
    expect(chat.isStreaming).toBe(false)
    expectSentOnce(fetch)
  })

  it('picks an answer whose connection broke up again after the last event, with the same Idempotency-Key', async () => {
    const { requests } = fakeRelay(
      eventStream('id: 1\ndata: {"choices":[{"index":0,"delta":{"content":"Once upon"}}]}\n\nid: 2\ndata: {"choices":[{"index":0,"delta":{"content":" a time"}}]}\n\n'),
      eventStream('id: 3\ndata: {"choices":[{"index":0,"delta":{"content":" there was"}, "finish_reason":"stop"}]}\n\nid: 4\ndata: [DONE]\n\n'),
    )
    const chat = useChatStore()

    const sending = chat.send('Tell me a story')
    await vi.waitFor(() => expect(messagesOf(chat)[1]?.reconnecting).toBe(1))
    await vi.runAllTimersAsync()
    await sending

    expect(messagesOf(chat)[1]).toMatchObject({ status: 'done', content: 'Once upon a time there was' })
    expect(messagesOf(chat)[1]?.reconnecting).toBeUndefined()
    const key = requests[0]!.headers['Idempotency-Key']
    expect(key).toMatch(/^[\da-f-]{36}$/)
    expect(requests[1]!.headers).toMatchObject({ 'Idempotency-Key': key, 'last-event-id': '2' })
    expect(requests[0]!.headers['last-event-id']).toBeUndefined()
  })

  it('keeps a cut answer, marked interrupted, when the relay no longer has the rest', async () => {
    fakeRelay(
      eventStream('id: 1\ndata: {"choices":[{"index":0,"delta":{"content":"Once upon"}}]}\n\n'),
      jsonError(410, 'stream_expired', 'This answer is no longer kept by the relay.'),
    )
    const chat = useChatStore()

    const sending = chat.send('Tell me a story')
    await vi.waitFor(() => expect(messagesOf(chat)[1]?.reconnecting).toBe(1))
    await vi.runAllTimersAsync()
    await sending

    expect(messagesOf(chat)[1]).toMatchObject({ status: 'interrupted', content: 'Once upon', error: { code: 'stream_expired' } })
  })

  it('ends the answer in an error when the relay sends an error frame mid-stream', async () => {
    const { fetch } = fakeRelay(eventStream(sse(chunk('Half'), { error: { message: 'Upstream timed out.', type: 'relay_error', code: 'upstream_timeout' } })))
    const chat = useChatStore()

    await chat.send('Tell me a story')

    expect(messagesOf(chat)[1]).toMatchObject({ status: 'error', content: 'Half', error: { type: 'timeout', code: 'upstream_timeout' } })
    expectSentOnce(fetch)
  })

  it('continues an interrupted answer: the partial text goes back as the assistant turn and the rest is appended', async () => {
    const { requests } = fakeRelay(
      eventStream('id: 1\ndata: {"choices":[{"index":0,"delta":{"content":"Once upon"}}]}\n\n'),
      jsonError(410, 'stream_expired', 'Gone.'),
      eventStream(sse(chunk(' a time.', 'stop'), '[DONE]')),
    )
    const chat = useChatStore()
    const sending = chat.send('Tell me a story')
    await vi.waitFor(() => expect(messagesOf(chat)[1]?.reconnecting).toBe(1))
    await vi.runAllTimersAsync()
    await sending
    expect(messagesOf(chat)[1]?.status).toBe('interrupted')

    await chat.continueAnswer(messagesOf(chat)[1]!.id)

    expect(messagesOf(chat)[1]).toMatchObject({ status: 'done', content: 'Once upon a time.' })
    expect(messagesOf(chat)[1]?.error).toBeUndefined()
    expect(messagesOf(chat)).toHaveLength(2)
    const continued = requests[2]!
    expect(continued.body.messages.slice(0, 2)).toEqual([{ role: 'user', content: 'Tell me a story' }, { role: 'assistant', content: 'Once upon' }])
    expect(continued.body.messages[2]!.role).toBe('user')
    expect(continued.headers['Idempotency-Key']).not.toBe(requests[0]!.headers['Idempotency-Key'])
  })

  it('does not reconnect after an error frame: the relay has said how the answer ended', async () => {
    const { fetch } = fakeRelay(eventStream(sse(chunk('Half'), { error: { message: 'Stopped.', type: 'stream_error', code: 'stream_abandoned' } })))
    const chat = useChatStore()
    await chat.send('Hello')
    expect(messagesOf(chat)[1]).toMatchObject({ status: 'interrupted', content: 'Half', error: { code: 'stream_abandoned' } })
    expectSentOnce(fetch)
  })

  it('ends the answer in a network error when the relay stays unreachable, after trying again with the same key', async () => {
    const keys: string[] = []
    const fetch = vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      keys.push((init?.headers as Record<string, string>)['Idempotency-Key']!)
      throw new TypeError('Failed to fetch')
    })
    vi.stubGlobal('fetch', fetch)
    const chat = useChatStore()

    const sending = chat.send('Hello')
    await vi.runAllTimersAsync()
    await sending

    expect(messagesOf(chat)[1]).toMatchObject({ status: 'error', error: { type: 'network', code: 'network_error' } })
    expect(keys).toHaveLength(MAX_RECONNECTS + 1)
    expect(new Set(keys).size).toBe(1)
  })

  it('stops a streaming answer, keeping the text so far, and tells the relay to stop generating', async () => {
    let stream: ReturnType<typeof openStream> | undefined
    const { fetch, cancels } = fakeRelay((signal) => {
      stream = openStream(signal)
      stream.write(sse(chunk('The first')))
      return new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } })
    })
    const chat = useChatStore()

    const sending = chat.send('Tell me a long story')
    await vi.waitFor(() => expect(messagesOf(chat)[1]?.content).toBe('The first'))
    expect(chat.isStreaming).toBe(true)
    expect(messagesOf(chat)[1]?.status).toBe('streaming')

    const key = messagesOf(chat)[1]!.resume!.key
    chat.stop()
    await sending

    expect(cancels).toEqual([`http://localhost:3000/v1/streams/${key}/cancel`])
    expect(messagesOf(chat)[1]).toMatchObject({ role: 'assistant', content: 'The first', status: 'done', stopped: true })
    expect(messagesOf(chat)[1]?.error).toBeUndefined()
    expect(chat.isStreaming).toBe(false)
    expectSentOnce(fetch)
  })

  it('keeps a text feed of each streaming answer in step with its content, and drops it when the answer ends', async () => {
    let stream: ReturnType<typeof openStream> | undefined
    fakeRelay((signal) => {
      stream = openStream(signal)
      stream.write(sse(chunk('안녕')))
      return new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } })
    })
    const chat = useChatStore()
    const sending = chat.send('Hello')
    await vi.waitFor(() => expect(messagesOf(chat)[1]?.content).toBe('안녕'))
    const reply = messagesOf(chat)[1]!
    const feed = chat.answerFeeds.get(reply.id)!
    expect(feed.since(0)).toBe('안녕')

    stream!.write(sse({ ...chunk(''), usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }, chunk('하세요, '), chunk('world')))
    await vi.waitFor(() => expect(reply.content).toBe('안녕하세요, world'))
    expect(feed.since(2)).toBe('하세요, world')
    expect(feed.length).toBe(reply.content.length)

    stream!.write(sse(chunk('', 'stop'), '[DONE]'))
    stream!.close()
    await sending
    expect(chat.answerFeeds.has(reply.id)).toBe(false)
  })

  it('does not send a second question while an answer is streaming', async () => {
    const { fetch } = fakeRelay((signal) => {
      const stream = openStream(signal)
      stream.write(sse(chunk('Thinking')))
      return new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } })
    })
    const chat = useChatStore()

    const sending = chat.send('First')
    await vi.waitFor(() => expect(messagesOf(chat)[1]?.content).toBe('Thinking'))
    await chat.send('Second')

    expect(messagesOf(chat).map(m => m.content)).toEqual(['First', 'Thinking'])
    chat.stop()
    await sending
    expectSentOnce(fetch)
  })

  it('retries a failed answer, replacing it with a new one from the same history', async () => {
    const { fetch, requests } = fakeRelay(
      jsonError(503, 'upstream_unavailable', 'The provider is down.'),
      eventStream(sse(chunk('Back again.'), '[DONE]')),
    )
    const chat = useChatStore()
    await chat.send('Are you there?')
    const failed = messagesOf(chat)[1]
    expect(failed).toMatchObject({ status: 'error', error: { code: 'upstream_unavailable' } })

    await chat.retry(failed!.id)

    expect(messagesOf(chat)).toHaveLength(2)
    expect(messagesOf(chat).some(m => m.id === failed!.id)).toBe(false)
    expect(messagesOf(chat)[1]).toMatchObject({ role: 'assistant', content: 'Back again.', status: 'done' })
    expect(messagesOf(chat)[1]?.error).toBeUndefined()
    expect(requests[1]?.body.messages).toEqual([{ role: 'user', content: 'Are you there?' }])
    expectSentOnce(fetch, 2)
  })

  it('ignores blank questions', async () => {
    const { fetch } = fakeRelay()
    const chat = useChatStore()

    await chat.send('   ')

    expect(chat.conversations).toHaveLength(0)
    expect(fetch).not.toHaveBeenCalled()
  })
})
