import { IDBFactory } from 'fake-indexeddb'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useChatStore } from '../../src/stores/chat'
import 'fake-indexeddb/auto'

// The real chat store on a fake IndexedDB: a new Pinia plays the part of a reloaded page.

const encoder = new TextEncoder()
function frame(content: string, finish: string | null = null, id?: number) {
  return `${id ? `id: ${id}\n` : ''}data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'gpt-4.1', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`
}

const expired = () => new Response(JSON.stringify({ error: { message: 'gone', type: 'not_found_error', code: 'stream_expired' } }), { status: 410, headers: { 'content-type': 'application/json' } })

/**
 * A relay whose answers the test writes piece by piece. A request that
 * re-attaches (it carries Last-Event-ID) gets `onResume`'s reply: by
 * default 410, the relay no longer has the answer.
 */
function fakeRelay() {
  let controller!: ReadableStreamDefaultController<Uint8Array>
  // Written to before the request goes out, as a test may do.
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c
    },
  })
  const resumes: Array<Record<string, string>> = []
  const relay = {
    resumes,
    onResume: expired,
    write: (text: string) => controller.enqueue(encoder.encode(text)),
    close: () => controller.close(),
  }
  vi.stubGlobal('fetch', vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    const headers = init?.headers as Record<string, string>
    if (headers['last-event-id'] !== undefined) {
      resumes.push({ ...headers })
      return relay.onResume()
    }
    init?.signal?.addEventListener('abort', () => controller.error(new DOMException('aborted', 'AbortError')))
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  }))
  return relay
}

async function reloadedStore() {
  setActivePinia(createPinia())
  const chat = useChatStore()
  await chat.init()
  return chat
}

// Every test starts on an empty IndexedDB with a fresh Pinia, and leaves no stubs or saved copies behind.
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory()
  setActivePinia(createPinia())
})
afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('chats kept in IndexedDB', () => {
  it('come back after a reload, with titles, answers and their order', async () => {
    const chat = useChatStore()
    await chat.init()
    const relay = fakeRelay()
    const sent = chat.send('서울 날씨 알려 줘')
    relay.write(`${frame('맑고 ') + frame('따뜻해요.', 'stop')}data: [DONE]\n\n`)
    relay.close()
    await sent

    const reloaded = await reloadedStore()
    expect(reloaded.storage).toBe('ready')
    expect(reloaded.conversations).toHaveLength(1)
    expect(reloaded.active?.title).toBe('서울 날씨 알려 줘')
    expect(reloaded.active?.messages.map(m => [m.role, m.content, m.status])).toEqual([
      ['user', '서울 날씨 알려 줘', 'done'],
      ['assistant', '맑고 따뜻해요.', 'done'],
    ])
  })

  it('pick an answer cut by a reload up again after the last saved event, and finish it', async () => {
    const chat = useChatStore()
    await chat.init()
    const relay = fakeRelay()
    void chat.send('길게 설명해 줘')
    relay.write(frame('첫째, ', null, 1) + frame('둘째, ', null, 2))
    await vi.waitFor(() => expect(chat.active?.messages.at(-1)?.content).toBe('첫째, 둘째, '))
    const key = chat.active!.messages.at(-1)!.resume!.key
    // The page goes away mid-answer: pagehide flushes what is queued.
    await chat.flush()

    relay.onResume = () => new Response(`${frame('셋째.', null, 3) + frame('', 'stop', 4)}id: 5\ndata: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } })
    const reloaded = await reloadedStore()
    await vi.waitFor(() => expect(reloaded.active!.messages.at(-1)!.status).toBe('done'))
    expect(reloaded.active!.messages.at(-1)!.content).toBe('첫째, 둘째, 셋째.')
    expect(relay.resumes).toEqual([expect.objectContaining({ 'Idempotency-Key': key, 'last-event-id': '2' })])
    expect(reloaded.active!.messages.at(-1)!.resume).toBeUndefined()
  })

  it('keep the partial text, marked interrupted, when the relay no longer has the rest', async () => {
    const chat = useChatStore()
    await chat.init()
    const relay = fakeRelay()
    void chat.send('길게 설명해 줘')
    relay.write(frame('첫째, ', null, 1) + frame('둘째, ', null, 2))
    await vi.waitFor(() => expect(chat.active?.messages.at(-1)?.content).toBe('첫째, 둘째, '))
    await chat.flush()

    const reloaded = await reloadedStore()
    await vi.waitFor(() => expect(reloaded.active!.messages.at(-1)!.status).toBe('interrupted'))
    const answer = reloaded.active!.messages.at(-1)!
    expect(answer.content).toBe('첫째, 둘째, ')
    expect(answer.error?.code).toBe('stream_expired')
    // And it stays interrupted on the next load too.
    await reloaded.flush()
    expect((await reloadedStore()).active!.messages.at(-1)!.status).toBe('interrupted')
  })

  it('say so when IndexedDB cannot be opened, and the chat still works in memory', async () => {
    vi.stubGlobal('indexedDB', {
      open: () => {
        throw new DOMException('blocked', 'SecurityError')
      },
    })
    const chat = useChatStore()
    await chat.init()
    expect(chat.storage).toBe('unavailable')
    const relay = fakeRelay()
    const sent = chat.send('hello')
    relay.write(`${frame('hi', 'stop')}data: [DONE]\n\n`)
    relay.close()
    await sent
    expect(chat.active?.messages.at(-1)?.content).toBe('hi')
  })
})

describe('an answer streaming when the page goes away', () => {
  it('keeps a question and answer that never reached IndexedDB at all', async () => {
    const chat = useChatStore()
    await chat.init()
    const relay = fakeRelay()
    void chat.send('방금 보낸 질문')
    relay.write(frame('막 시작한 답'))
    await vi.waitFor(() => expect(chat.active?.messages.at(-1)?.content).toBe('막 시작한 답'))
    // The page goes away before the first coalesced write: every IndexedDB write fails from now on.
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('page gone', 'InvalidStateError')
    })
    chat.saveBeforeUnload()
    await chat.flush()
    put.mockRestore()

    const reloaded = await reloadedStore()
    expect(reloaded.active?.title).toBe('방금 보낸 질문')
    await vi.waitFor(() => expect(reloaded.active!.messages.at(-1)!.status).toBe('interrupted'))
    expect(reloaded.active!.messages.map(m => [m.role, m.content, m.status])).toEqual([
      ['user', '방금 보낸 질문', 'done'],
      ['assistant', '막 시작한 답', 'interrupted'],
    ])
  })

  it('keeps its latest text even when the last IndexedDB write never ran', async () => {
    const chat = useChatStore()
    await chat.init()
    const relay = fakeRelay()
    void chat.send('길게')
    relay.write(frame('첫째'))
    await vi.waitFor(() => expect(chat.active?.messages.at(-1)?.content).toBe('첫째'))
    await chat.flush()
    relay.write(frame(', 둘째'))
    await vi.waitFor(() => expect(chat.active?.messages.at(-1)?.content).toBe('첫째, 둘째'))
    // pagehide: the synchronous copy is written; pretend the page died before the queued write.
    const put = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('page gone', 'InvalidStateError')
    })
    chat.saveBeforeUnload()
    await chat.flush()
    put.mockRestore()

    const reloaded = await reloadedStore()
    await vi.waitFor(() => expect(reloaded.active!.messages.at(-1)).toMatchObject({ content: '첫째, 둘째', status: 'interrupted' }))
    expect(localStorage.getItem('sori.unsaved')).toBeNull()
  })
})

describe('a nearly full browser storage', () => {
  it('is noticed after loading, so the app can warn before writes fail', async () => {
    vi.stubGlobal('navigator', { ...navigator, storage: { persisted: async () => true, estimate: async () => ({ usage: 90, quota: 100 }) } })
    const chat = useChatStore()
    await chat.init()
    await vi.waitFor(() => expect(chat.storageHealth).toEqual({ persisted: true, usageBytes: 90, quotaBytes: 100, nearlyFull: true }))
  })
})
