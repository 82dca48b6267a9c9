import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import ChatConversationSettings from '../../src/components/chat/ChatConversationSettings.vue'
import { SYSTEM_PROMPT_PRESETS } from '../../src/lib/chat/conversation-settings'
import { useChatStore } from '../../src/stores/chat'
import { useSettingsStore } from '../../src/stores/settings'
import { chatWith, mountWithStores } from './mount'

beforeAll(() => {
  // jsdom has <dialog> but not its modal methods.
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.open = true
  }
  HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
    this.open = false
  }
})

describe('the conversation settings dialog', () => {
  it('fills the system prompt from a preset and saves valid settings', async () => {
    const { wrapper, chat } = mountWithStores(ChatConversationSettings, { initialState: chatWith([]), props: { 'open': false, 'onUpdate:open': () => {} } })
    await wrapper.setProps({ open: true })
    await flushPromises()
    await wrapper.get('[data-testid="preset-picker"]').setValue('korean')
    expect((wrapper.get('[data-testid="system-prompt"]').element as HTMLTextAreaElement).value).toBe(SYSTEM_PROMPT_PRESETS[0].prompt)
    await wrapper.get('[data-testid="param-temperature"]').setValue('0.3')
    await wrapper.get('form').trigger('submit')
    expect(chat.updateSettings).toHaveBeenCalledWith({ systemPrompt: SYSTEM_PROMPT_PRESETS[0].prompt, temperature: 0.3, topP: undefined, maxTokens: undefined })
  })

  it('refuses out-of-range numbers with a message and saves nothing', async () => {
    const { wrapper, chat } = mountWithStores(ChatConversationSettings, { initialState: chatWith([]), props: { 'open': false, 'onUpdate:open': () => {} }, locale: 'ko' })
    await wrapper.setProps({ open: true })
    await wrapper.get('[data-testid="param-temperature"]').setValue('9')
    await wrapper.get('form').trigger('submit')
    expect(chat.updateSettings).not.toHaveBeenCalled()
    expect(wrapper.get('[data-testid="conversation-settings-error"]').text()).toContain('온도는 0~2')
    expect(wrapper.get('[data-testid="param-temperature"]').attributes('aria-invalid')).toBe('true')
  })
})

describe('settings reaching the request', () => {
  beforeEach(() => setActivePinia(createPinia()))
  afterEach(() => {
    vi.unstubAllGlobals()
    localStorage.clear()
    delete document.documentElement.dataset.theme
  })

  it('sends the conversation system prompt first and its parameters', async () => {
    const bodies: any[] = []
    vi.stubGlobal('fetch', vi.fn(async (_input: RequestInfo | URL, init?: RequestInit) => {
      bodies.push(JSON.parse(String(init?.body)))
      return new Response('data: {"choices":[{"index":0,"delta":{"content":"네"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n', { headers: { 'content-type': 'text/event-stream' } })
    }))
    const chat = useChatStore()
    chat.updateSettings({ systemPrompt: '존댓말로 답하세요.', temperature: 0.2, maxTokens: 300 })
    await chat.send('안녕')
    expect(bodies[0]).toMatchObject({
      messages: [{ role: 'system', content: '존댓말로 답하세요.' }, { role: 'user', content: '안녕' }],
      temperature: 0.2,
      max_tokens: 300,
    })
    expect(bodies[0]).not.toHaveProperty('top_p')
  })

  it('applies the theme to the page and remembers it', async () => {
    const settings = useSettingsStore()
    settings.theme = 'dark'
    await flushPromises()
    expect(document.documentElement.dataset.theme).toBe('dark')
    settings.theme = 'system'
    await flushPromises()
    expect(document.documentElement.dataset.theme).toBeUndefined()
    expect(JSON.parse(localStorage.getItem('sori.settings')!).theme).toBe('system')
  })
})
