import { describe, expect, it, vi } from 'vitest'
import { chatFrames, reply } from '../fixtures/mock-upstream'
import { chatRequest, createTestRelay, dataOf, question, UPSTREAM_KEY } from './harness'

describe('streaming chat completions', () => {
  it('passes the upstream stream through with an id on every data event', async () => {
    const { app } = createTestRelay({ script: () => reply.text(['안녕', '하세요']) })
    const response = await app.request(chatRequest(question()))

    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache, no-transform')
    expect(response.headers.get('x-accel-buffering')).toBe('no')
    expect(response.headers.get('content-encoding')).toBeNull()
    const frames = chatFrames(['안녕', '하세요'])
    const expected = frames.map((frame, i) => `id: ${i + 1}\n${frame}`).join('')
    expect(await response.text()).toBe(expected)
  })

  it('passes on a whole answer that arrives in one upstream read, [DONE] once', async () => {
    const frames = chatFrames(['한 번에', ' 온 답'])
    const { app } = createTestRelay({ script: () => ({ type: 'sse', chunks: [frames.join('')] }) })
    const wire = await (await app.request(chatRequest(question()))).text()

    expect(wire).toBe(frames.map((frame, i) => `id: ${i + 1}\n${frame}`).join(''))
  })

  it('sends the conversation upstream with the relay key and stream: true', async () => {
    const { app, mock } = createTestRelay()
    const body = { model: 'gpt-4.1', stream: true, temperature: 0.3, messages: [
      { role: 'user', content: '첫 질문' },
      { role: 'assistant', content: '첫 답' },
      { role: 'user', content: '둘째 질문' },
    ] }
    await (await app.request(chatRequest(body))).text()

    expect(mock.requests).toHaveLength(1)
    const [upstream] = mock.requests
    expect(upstream!.path).toBe('/v1/chat/completions')
    expect(upstream!.headers.get('authorization')).toBe(`Bearer ${UPSTREAM_KEY}`)
    expect(upstream!.body).toEqual({ ...body, stream_options: { include_usage: true } })
  })

  it('puts the operator system prompt before the conversation', async () => {
    const { app, mock } = createTestRelay({ env: { SYSTEM_PROMPT: '한국어로 답하세요.' } })
    await (await app.request(chatRequest(question('hi')))).text()
    expect(mock.requests[0]!.body.messages).toEqual([
      { role: 'system', content: '한국어로 답하세요.' },
      { role: 'user', content: 'hi' },
    ])
  })

  it('never forwards client headers that could redirect or replace the key', async () => {
    const { app, mock } = createTestRelay()
    await (await app.request(chatRequest(question(), { headers: {
      'Authorization': 'Bearer client-token',
      'X-Forwarded-Host': 'attacker.example',
      'OpenAI-Organization': 'org-client',
    } }))).text()
    const headers = Object.fromEntries(mock.requests[0]!.headers)
    expect(headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`)
    expect(headers).not.toHaveProperty('x-forwarded-host')
    expect(headers).not.toHaveProperty('openai-organization')
  })

  it('ends a truncated upstream stream with one error frame, never [DONE]', async () => {
    const { app } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['부분'], { finish: false, done: false }) }) })
    const data = dataOf(await (await app.request(chatRequest(question()))).text())
    expect(data).not.toContain('[DONE]')
    expect(JSON.parse(data.at(-1)!)).toEqual({ error: { message: expect.any(String), type: 'upstream_error', code: 'stream_truncated' } })
  })

  it('aborts the upstream request when the client stops reading', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['a', 'b', 'c']), delayMs: 5, hangAfter: true }) })
    const response = await app.request(chatRequest(question()))
    const reader = response.body!.getReader()
    await reader.read()
    await reader.cancel()
    await vi.waitFor(() => expect(mock.requests[0]!.signal.aborted).toBe(true))
  })

  it('aborts the upstream request when the client request is aborted', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'sse', chunks: chatFrames(['a']), hangAfter: true }) })
    const client = new AbortController()
    const response = await app.request(chatRequest(question(), { signal: client.signal }))
    const reader = response.body!.getReader()
    await reader.read()
    client.abort()
    await vi.waitFor(() => expect(mock.requests[0]!.signal.aborted).toBe(true))
  })

  it('aborts the upstream request when the client leaves before headers arrive', async () => {
    const { app, mock } = createTestRelay({ script: () => ({ type: 'hang' }) })
    const client = new AbortController()
    const pending = Promise.resolve(app.request(chatRequest(question(), { signal: client.signal })))
    await vi.waitFor(() => expect(mock.requests).toHaveLength(1))
    client.abort()
    await vi.waitFor(() => expect(mock.requests[0]!.signal.aborted).toBe(true))
    await pending.catch(() => {})
  })

  it('relays non-streaming answers as JSON', async () => {
    const completion = { id: 'x', object: 'chat.completion', created: 1, model: 'gpt-4.1', choices: [{ index: 0, message: { role: 'assistant', content: '네' }, finish_reason: 'stop' }] }
    const { app, mock } = createTestRelay({ script: () => ({ type: 'json', status: 200, body: completion }) })
    const response = await app.request(chatRequest(question('질문', false)))
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual(completion)
    expect(mock.requests[0]!.headers.get('accept')).toBe('application/json')
  })
})
