import type { ChatCompletionChunk, ChatCompletionRequest, Usage } from '../../relay/protocol'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { threadOf } from '../../src/lib/chat/thread'
import { useChatStore } from '../../src/stores/chat'
import { useSettingsStore } from '../../src/stores/settings'
import { openStream } from './open-stream'

// The real chat store asking several models at once, against a fake relay
// that answers each model from its own script (see chat-store.test.ts).

function frame(model: string, content: string, finishReason: string | null = null, usage?: Usage): string {
  const chunk: ChatCompletionChunk = { id: 'c', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta: { content }, finish_reason: finishReason }], ...(usage ? { usage } : {}) }
  return `data: ${JSON.stringify(chunk)}\n\n`
}

type Stream = ReturnType<typeof openStream>

/** A fake relay: each model's request gets a live stream the test drives, or the given error status. */
function fakeRelay(failing: Record<string, number> = {}) {
  const requests: Array<{ model: string, key: string, body: ChatCompletionRequest }> = []
  const streams = new Map<string, Stream>()
  const cancels: string[] = []
  vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    if (String(input).endsWith('/cancel')) {
      cancels.push(decodeURIComponent(String(input).split('/').at(-2)!))
      return new Response('{}')
    }
    const body = JSON.parse(String(init?.body)) as ChatCompletionRequest
    requests.push({ model: body.model, key: (init?.headers as Record<string, string>)['Idempotency-Key']!, body })
    const status = failing[body.model]
    if (status)
      return Response.json({ error: { message: 'Service unavailable', type: 'upstream_error', code: 'upstream_unavailable' } }, { status })
    const stream = openStream(init?.signal)
    streams.set(body.model, stream)
    return new Response(stream.body, { headers: { 'content-type': 'text/event-stream' } })
  }))
  const stream = async (model: string) => {
    await vi.waitFor(() => expect(streams.has(model)).toBe(true))
    return streams.get(model)!
  }
  return { requests, cancels, stream }
}

const models = ['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-flash']

beforeEach(() => {
  setActivePinia(createPinia())
  useSettingsStore().model = 'gpt-4.1'
})
afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('comparing models', () => {
  it('asks every model the same question at once and streams each answer into its own sibling', async () => {
    const relay = fakeRelay({ 'gemini-2.5-flash': 503 })
    const chat = useChatStore()

    const comparing = chat.compare('서울 날씨 어때?', models)
    const gpt = await relay.stream('gpt-4.1')
    const claude = await relay.stream('claude-sonnet-4')
    gpt.write(frame('gpt-4.1', '맑아요'))
    claude.write(frame('claude-sonnet-4-fallback', '흐려요'))
    await vi.waitFor(() => expect(chat.compareOnScreen?.answers.map(m => m.content)).toEqual(['맑아요', '흐려요', '']))
    expect(chat.isStreaming).toBe(true)

    gpt.write(`${frame('gpt-4.1', '.', 'stop', { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 })}data: [DONE]\n\n`)
    gpt.close()
    claude.write(`${frame('claude-sonnet-4-fallback', '.', 'stop')}data: [DONE]\n\n`)
    claude.close()
    await comparing

    expect(relay.requests.map(r => r.model).sort()).toEqual([...models].sort())
    expect(new Set(relay.requests.map(r => r.key)).size).toBe(3)
    expect(relay.requests.every(r => r.body.messages.at(-1)?.content === '서울 날씨 어때?')).toBe(true)
    const compare = chat.compareOnScreen!
    expect(compare.question).toMatchObject({ role: 'user', compareModels: models })
    // The served model is what the relay named in the chunks (after failover); the asked one is kept apart.
    expect(compare.answers).toMatchObject([
      { requestedModel: 'gpt-4.1', model: 'gpt-4.1', status: 'done', content: '맑아요.', usage: { completion_tokens: 3 } },
      { requestedModel: 'claude-sonnet-4', model: 'claude-sonnet-4-fallback', status: 'done', content: '흐려요.' },
      { requestedModel: 'gemini-2.5-flash', status: 'error', content: '', error: { status: 503 } },
    ])
    expect(compare.answers.every(m => m.parentId === compare.question.id)).toBe(true)
    // The branch on screen ends at the question until an answer is chosen.
    expect(chat.thread.at(-1)?.id).toBe(compare.question.id)
    expect(chat.isStreaming).toBe(false)
  })

  it('stops one column while the others go on, and Stop stops them all', async () => {
    const relay = fakeRelay()
    const chat = useChatStore()
    const comparing = chat.compare('Hi', models)
    const streams = await Promise.all(models.map(relay.stream))
    streams.forEach((s, i) => s.write(frame(models[i]!, `answer ${i}`)))
    await vi.waitFor(() => expect(chat.compareOnScreen?.answers.every(m => m.content)).toBe(true))

    const [first, second] = chat.compareOnScreen!.answers
    chat.stopAnswer(second!.id)
    await vi.waitFor(() => expect(second!.status).toBe('done'))
    expect(second).toMatchObject({ stopped: true, content: 'answer 1' })
    expect(relay.cancels).toEqual([relay.requests.find(r => r.model === models[1])!.key])
    expect(first!.status).toBe('streaming')
    expect(chat.isStreaming).toBe(true)

    streams[0]!.write(frame(models[0]!, ' more'))
    await vi.waitFor(() => expect(first!.content).toBe('answer 0 more'))
    chat.stop()
    await comparing
    expect(chat.compareOnScreen!.answers.map(m => [m.status, m.stopped])).toEqual([['done', true], ['done', true], ['done', true]])
    expect(relay.cancels).toHaveLength(3)
  })

  it('continues with the chosen answer; the other columns stay its versions', async () => {
    const relay = fakeRelay({ 'gemini-2.5-flash': 503 })
    const chat = useChatStore()
    const comparing = chat.compare('Which is best?', models)
    for (const model of models.slice(0, 2)) {
      const stream = await relay.stream(model)
      stream.write(`${frame(model, `${model} says hi`, 'stop')}data: [DONE]\n\n`)
      stream.close()
    }
    await comparing
    const [, claude, gemini] = chat.compareOnScreen!.answers

    // A new question has to wait for the choice: it would follow a question with no answer.
    await chat.send('And then?')
    expect(relay.requests).toHaveLength(3)
    chat.chooseAnswer(gemini!.id)
    expect(chat.compareOnScreen).not.toBeNull()

    chat.chooseAnswer(claude!.id)
    expect(chat.compareOnScreen).toBeNull()
    expect(chat.thread.map(m => m.content)).toEqual(['Which is best?', 'claude-sonnet-4 says hi'])
    expect(chat.versions.get(claude!.id)).toMatchObject({ index: 1, ids: chat.active!.messages.filter(m => m.role === 'assistant').map(m => m.id) })

    // The follow-up goes to the chat's model, with the chosen answer in its history.
    const following = chat.send('And then?')
    await vi.waitFor(() => expect(relay.requests).toHaveLength(4))
    expect(relay.requests[3]!.body.messages).toEqual([
      { role: 'user', content: 'Which is best?' },
      { role: 'assistant', content: 'claude-sonnet-4 says hi' },
      { role: 'user', content: 'And then?' },
    ])
    chat.stop()
    await following
  })

  it('retries a failed column with its own model, as a column again', async () => {
    const failing: Record<string, number> = { 'gemini-2.5-flash': 503 }
    const relay = fakeRelay(failing)
    const chat = useChatStore()
    const comparing = chat.compare('Hi', models.slice(1))
    const claude = await relay.stream('claude-sonnet-4')
    claude.write(`${frame('claude-sonnet-4', 'Hello', 'stop')}data: [DONE]\n\n`)
    claude.close()
    await comparing
    const failed = chat.compareOnScreen!.answers[1]!
    expect(failed.status).toBe('error')

    delete failing['gemini-2.5-flash']
    const retrying = chat.retry(failed.id)
    const gemini = await relay.stream('gemini-2.5-flash')
    gemini.write(`${frame('gemini-2.5-flash', 'Hey', 'stop')}data: [DONE]\n\n`)
    gemini.close()
    await retrying

    expect(relay.requests.map(r => r.model)).toEqual(['claude-sonnet-4', 'gemini-2.5-flash', 'gemini-2.5-flash'])
    expect(chat.compareOnScreen!.answers.map(m => [m.requestedModel, m.status, m.content])).toEqual([['claude-sonnet-4', 'done', 'Hello'], ['gemini-2.5-flash', 'done', 'Hey']])
    expect(threadOf(chat.active!).at(-1)?.role).toBe('user')
  })

  it('refuses fewer than two or more than four models, or the same model twice', async () => {
    const relay = fakeRelay()
    const chat = useChatStore()
    await chat.compare('Hi', ['gpt-4.1'])
    await chat.compare('Hi', ['a', 'b', 'c', 'd', 'e'])
    await chat.compare('Hi', ['gpt-4.1', 'gpt-4.1'])
    expect(relay.requests).toHaveLength(0)
    expect(chat.active?.messages ?? []).toHaveLength(0)
  })
})
