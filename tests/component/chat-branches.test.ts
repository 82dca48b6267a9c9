import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useChatStore } from '../../src/stores/chat'

// The real chat store against a fake relay that answers each request with the next text.

function frame(content: string, finish: string | null = null) {
  return `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'gpt-4.1', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`
}

function fakeRelay(...answers: string[]) {
  const bodies: Array<{ messages: Array<{ role: string, content: string }> }> = []
  vi.stubGlobal('fetch', vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
    bodies.push(JSON.parse(String(init?.body)))
    const text = answers.shift() ?? 'extra'
    return new Response(`${frame(text, 'stop')}data: [DONE]\n\n`, { headers: { 'content-type': 'text/event-stream' } })
  }))
  return bodies
}

const visible = (chat: ReturnType<typeof useChatStore>) => chat.thread.map(m => `${m.role}:${m.content}`)

describe('versions and branches', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => vi.unstubAllGlobals())

  it('regenerating keeps the earlier answer as a version one can switch back to', async () => {
    const bodies = fakeRelay('첫 답', '두 번째 답')
    const chat = useChatStore()
    await chat.send('질문')
    const first = chat.thread.at(-1)!
    await chat.regenerate(first.id)

    expect(visible(chat)).toEqual(['user:질문', 'assistant:두 번째 답'])
    const second = chat.thread.at(-1)!
    expect(chat.versions.get(second.id)).toEqual({ index: 1, ids: [first.id, second.id] })
    // The new answer was asked from the same history, without the first answer in it.
    expect(bodies[1]!.messages).toEqual([{ role: 'user', content: '질문' }])

    chat.showVersion(first.id)
    expect(visible(chat)).toEqual(['user:질문', 'assistant:첫 답'])
  })

  it('editing a question starts a new branch; the old branch stays reachable', async () => {
    const bodies = fakeRelay('A1', 'A2', 'A2 edited')
    const chat = useChatStore()
    await chat.send('Q1')
    await chat.send('Q2')
    const q2 = chat.thread[2]!
    await chat.edit(q2.id, 'Q2 edited')

    expect(visible(chat)).toEqual(['user:Q1', 'assistant:A1', 'user:Q2 edited', 'assistant:A2 edited'])
    expect(bodies[2]!.messages).toEqual([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2 edited' },
    ])
    chat.showVersion(q2.id)
    expect(visible(chat)).toEqual(['user:Q1', 'assistant:A1', 'user:Q2', 'assistant:A2'])
    // A follow-up continues the branch on screen.
    await chat.send('Q3')
    expect(bodies[3]!.messages.map(x => x.content)).toEqual(['Q1', 'A1', 'Q2', 'A2', 'Q3'])
  })

  it('ignores an edit that changes nothing', async () => {
    const bodies = fakeRelay('A1')
    const chat = useChatStore()
    await chat.send('same')
    await chat.edit(chat.thread[0]!.id, '  same ')
    expect(bodies).toHaveLength(1)
  })

  it('records when the answer was asked, began and ended', async () => {
    fakeRelay('시간')
    const chat = useChatStore()
    await chat.send('언제?')
    const { timing } = chat.thread.at(-1)!
    expect(timing!.firstTokenAt).toBeGreaterThanOrEqual(timing!.sentAt)
    expect(timing!.endedAt).toBeGreaterThanOrEqual(timing!.firstTokenAt!)
  })
})
