import type { ModelInfo } from '../../relay/protocol'
import { describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import AppHeader from '../../src/components/app/AppHeader.vue'
import ChatModelPicker from '../../src/components/chat/ChatModelPicker.vue'
import { errorInfo, mountWithStores, overrideGetter } from './mount'

function model(id: string): ModelInfo {
  return { id, object: 'model', created: 0, owned_by: 'test' }
}

const MODELS = [model('gpt-4o-mini'), model('gpt-4o'), model('sori-demo')]

describe('model picker', () => {
  it('lists the models from the settings store and selects the current one', () => {
    const { wrapper } = mountWithStores(ChatModelPicker, { initialState: { settings: { models: MODELS, model: 'gpt-4o' } } })

    const picker = wrapper.get<HTMLSelectElement>('[data-testid="model-picker"]')
    expect(picker.findAll('option').map(option => option.text())).toEqual(['gpt-4o-mini', 'gpt-4o', 'sori-demo'])
    expect(picker.element.value).toBe('gpt-4o')
    expect(picker.element.disabled).toBe(false)
  })

  it('changes the model in the settings store', async () => {
    const { wrapper, settings } = mountWithStores(ChatModelPicker, { initialState: { settings: { models: MODELS, model: 'gpt-4o' } } })

    await wrapper.get('[data-testid="model-picker"]').setValue('sori-demo')

    expect(settings.model).toBe('sori-demo')
  })

  it('is disabled and says so when there are no models', () => {
    const { wrapper } = mountWithStores(ChatModelPicker)

    const picker = wrapper.get<HTMLSelectElement>('[data-testid="model-picker"]')
    expect(picker.element.disabled).toBe(true)
    expect(picker.text()).toBe('No models available')
  })

  it('says the list could not be loaded when loading failed', () => {
    const { wrapper } = mountWithStores(ChatModelPicker, {
      initialState: { settings: { modelsError: errorInfo({ type: 'network', code: 'network_error' }) } },
      locale: 'ko',
    })

    expect(wrapper.get('[data-testid="model-picker"]').text()).toBe('모델 목록을 불러오지 못했습니다')
  })
})

describe('app header', () => {
  it('contains the model picker', () => {
    const { wrapper } = mountWithStores(AppHeader, { initialState: { settings: { models: MODELS, model: 'gpt-4o' } } })

    expect(wrapper.find('[data-testid="model-picker"]').exists()).toBe(true)
  })

  it('shows the demo badge only in demo mode', async () => {
    const { wrapper, settings } = mountWithStores(AppHeader)
    expect(wrapper.find('[data-testid="demo-badge"]').exists()).toBe(false)

    overrideGetter(settings, 'isDemo', true)
    await nextTick()
    expect(wrapper.get('[data-testid="demo-badge"]').text()).toBe('Demo mode')

    overrideGetter(settings, 'isDemo', false)
    await nextTick()
    expect(wrapper.find('[data-testid="demo-badge"]').exists()).toBe(false)
  })

  it('shows the demo badge when config.json says demo and no relay URL is set', async () => {
    const { wrapper, settings } = mountWithStores(AppHeader)

    // Replaced whole, as init() does: the default runtime config is frozen, so
    // `initialState` or `$patch` cannot merge into it.
    settings.runtime = { relayUrl: './v1', demo: true, defaultModel: null, requiresAccessToken: false }
    await nextTick()
    expect(wrapper.find('[data-testid="demo-badge"]').exists()).toBe(true)

    settings.relayUrlOverride = 'https://relay.example/v1'
    await nextTick()
    expect(wrapper.find('[data-testid="demo-badge"]').exists()).toBe(false)
  })

  it('asks to open the settings', async () => {
    const { wrapper } = mountWithStores(AppHeader)

    await wrapper.get('[data-testid="open-settings"]').trigger('click')

    expect(wrapper.emitted('openSettings')).toHaveLength(1)
  })

  it('keeps the words of its buttons as their names, for when a phone shows only the icons', () => {
    const { wrapper } = mountWithStores(AppHeader, { locale: 'ko' })

    for (const [id, name] of [['conversation-settings', '대화 설정'], ['open-settings', '설정']] as const) {
      const button = wrapper.get(`[data-testid="${id}"]`)
      expect(button.text()).toBe(name)
      expect(button.attributes('title')).toBe(name)
      expect(button.get('svg').attributes('aria-hidden')).toBe('true')
    }
  })
})
