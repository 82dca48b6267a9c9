import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useChatStore } from '../../src/stores/chat'
import { useSettingsStore } from '../../src/stores/settings'

describe('a question sent before the model list has loaded', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    localStorage.clear()
  })

  it('waits for the list and asks the default model, not an empty name', async () => {
    setActivePinia(createPinia())
    let releaseModels!: () => void
    const modelsLoaded = new Promise<void>(resolve => (releaseModels = resolve))
    const bodies: Array<{ model: string }> = []
    vi.stubGlobal('fetch', vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input)
      if (url.endsWith('config.json'))
        return Response.json({ relayUrl: './v1', demo: false, defaultModel: 'gpt-4.1', requiresAccessToken: false })
      if (url.endsWith('/models')) {
        await modelsLoaded
        return Response.json({ object: 'list', data: [{ id: 'gpt-4.1' }] })
      }
      bodies.push(JSON.parse(String(init?.body)))
      return new Response('data: {"choices":[{"index":0,"delta":{"content":"네"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } })
    }))
    void useSettingsStore().init()
    const sent = useChatStore().send('빨리 보낸 질문')
    await vi.waitFor(() => expect(useChatStore().thread).toHaveLength(2))
    expect(bodies).toHaveLength(0)
    releaseModels()
    await sent
    expect(bodies.map(b => b.model)).toEqual(['gpt-4.1'])
  })
})
