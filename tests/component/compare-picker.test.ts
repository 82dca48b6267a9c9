import type { ModelInfo } from '../../relay/protocol'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { describe, expect, it, vi } from 'vitest'
import ChatComposer from '../../src/components/chat/ChatComposer.vue'
import { useChatStore } from '../../src/stores/chat'
import { useCompareStore } from '../../src/stores/compare'
import { useSettingsStore } from '../../src/stores/settings'
import { testI18n } from './i18n'
import { conversation, message, mountWithStores } from './mount'

const models: ModelInfo[] = ['gpt-4.1', 'claude-sonnet-4', 'gemini-2.5-flash', 'deepseek-v3.2', 'llama-4'].map(id => ({ id, object: 'model', created: 0, owned_by: 'test' }))

/** The real compare store (a testing Pinia would stub its picking); only the chat store's asking is a spy. */
function setup() {
  const pinia = createPinia()
  const settings = useSettingsStore(pinia)
  settings.models = models
  const chat = useChatStore(pinia)
  vi.spyOn(chat, 'compare').mockResolvedValue()
  vi.spyOn(chat, 'send').mockResolvedValue()
  const wrapper = mount(ChatComposer, { attachTo: document.body, global: { plugins: [pinia, testI18n('en')] } })
  return { wrapper, chat, compare: useCompareStore(pinia) }
}

const options = (wrapper: ReturnType<typeof setup>['wrapper']) => wrapper.findAll<HTMLInputElement>('[data-testid="compare-model-option"]')

describe('compare mode in the composer', () => {
  it('asks the picked models at once, in the order they were picked', async () => {
    const { wrapper, chat, compare } = setup()
    const toggle = wrapper.get('[data-testid="compare-toggle"]')
    expect(toggle.attributes('aria-pressed')).toBe('false')
    await toggle.trigger('click')
    expect(toggle.attributes('aria-pressed')).toBe('true')
    await vi.waitFor(() => expect(options(wrapper)).toHaveLength(5))

    await wrapper.get('[data-testid="composer"]').setValue('서울 날씨?')
    await options(wrapper)[2]!.setValue(true)
    // One model is not a comparison: Send waits, and says why.
    expect(wrapper.get('[data-testid="send"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="composer-blocked"]').text()).toBe('Pick 2 to 4 models to compare first.')
    await options(wrapper)[0]!.setValue(true)
    expect(compare.models).toEqual(['gemini-2.5-flash', 'gpt-4.1'])

    await wrapper.get('[data-testid="send"]').trigger('click')
    expect(chat.compare).toHaveBeenCalledWith('서울 날씨?', ['gemini-2.5-flash', 'gpt-4.1'])
    expect(chat.send).not.toHaveBeenCalled()
  })

  it('allows four models at most', async () => {
    const { wrapper, compare } = setup()
    compare.enabled = true
    await vi.waitFor(() => expect(options(wrapper)).toHaveLength(5))
    for (const option of options(wrapper).slice(0, 4))
      await option.setValue(true)
    expect(options(wrapper)[4]!.element.disabled).toBe(true)
    expect(options(wrapper)[0]!.element.disabled).toBe(false)
    compare.toggle('llama-4')
    expect(compare.models).toHaveLength(4)
  })

  it('waits for an answer to be chosen before the next question', async () => {
    const question = message({ role: 'user', content: 'q', compareModels: ['gpt-4.1', 'claude-sonnet-4'] })
    const active = conversation({ messages: [question, message({ role: 'assistant', content: 'a', parentId: question.id })], leafId: question.id })
    const { wrapper, chat } = mountWithStores(ChatComposer, { attach: true, initialState: { settings: { models }, chat: { conversations: [active], activeId: active.id } } })
    await flushPromises()
    await wrapper.get('[data-testid="composer"]').setValue('next')
    expect(wrapper.get('[data-testid="send"]').attributes('disabled')).toBeDefined()
    expect(wrapper.get('[data-testid="composer-blocked"]').text()).toContain('Choose an answer above')
    await wrapper.get('form').trigger('submit')
    expect(chat.send).not.toHaveBeenCalled()
  })
})
