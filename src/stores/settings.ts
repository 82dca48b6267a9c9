import type { ModelInfo, RuntimeConfig } from '../../relay/protocol'
import type { SendKey } from '../composables/useImeSafeEnter'
import type { ChatErrorInfo } from '../lib/chat/errors'
import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { chatErrorFromResponse, toChatError } from '../lib/chat/errors'
import { DEFAULT_RUNTIME_CONFIG, parseRuntimeConfig, resolveRelayUrl } from '../lib/runtime-config'

const STORAGE_KEY = 'sori.settings'

export type Theme = 'system' | 'light' | 'dark'

interface SavedSettings {
  relayUrl?: string
  accessToken?: string
  model?: string
  theme?: Theme
  sendKey?: SendKey
  imageHosts?: string[]
}

/** Where the relay is, how to authenticate, and which model answers. */
export const useSettingsStore = defineStore('settings', () => {
  const saved = readSaved()
  const runtime = shallowRef<RuntimeConfig>(DEFAULT_RUNTIME_CONFIG)
  /** Overrides `config.json`'s relay URL when not empty. */
  const relayUrlOverride = ref(saved.relayUrl ?? '')
  const accessToken = ref(saved.accessToken ?? '')
  const model = ref(saved.model ?? '')
  const theme = ref<Theme>(saved.theme ?? 'system')
  const sendKey = ref<SendKey>(saved.sendKey ?? 'enter')
  /**
   * Hosts whose images in answers load without a click (`*.` covers subdomains).
   * Normalized when saved in Settings, and again by the Markdown engine.
   */
  const imageHosts = ref<string[]>(Array.isArray(saved.imageHosts) ? saved.imageHosts.filter(host => typeof host === 'string') : [])
  const models = shallowRef<ModelInfo[]>([])
  const modelsError = shallowRef<ChatErrorInfo | null>(null)
  const loaded = ref(false)

  const relayUrl = computed(() => resolveRelayUrl(relayUrlOverride.value || runtime.value.relayUrl, document.baseURI))
  const isDemo = computed(() => runtime.value.demo && !relayUrlOverride.value)

  watch([relayUrlOverride, accessToken, model, theme, sendKey, imageHosts], () => {
    const settings: SavedSettings = { relayUrl: relayUrlOverride.value, accessToken: accessToken.value, model: model.value, theme: theme.value, sendKey: sendKey.value, imageHosts: imageHosts.value }
    localStorage.setItem(STORAGE_KEY, JSON.stringify(settings))
  })
  // `data-theme` overrides the system colour scheme in styles.css; "system" removes it.
  watch(theme, (value) => {
    if (value === 'system')
      delete document.documentElement.dataset.theme
    else
      document.documentElement.dataset.theme = value
  }, { immediate: true })

  let initializing: Promise<void> = Promise.resolve()

  /** Loads `config.json`, then the model list. */
  function init(): Promise<void> {
    initializing = load()
    return initializing
  }

  /** Resolves once `init` has settled: a question typed during the first paint waits for the model list. */
  function whenLoaded(): Promise<void> {
    return initializing
  }

  async function load(): Promise<void> {
    try {
      const response = await fetch(new URL('config.json', document.baseURI), { cache: 'no-store' })
      runtime.value = response.ok ? parseRuntimeConfig(await response.json()) : DEFAULT_RUNTIME_CONFIG
    }
    catch {
      runtime.value = DEFAULT_RUNTIME_CONFIG
    }
    await loadModels()
    loaded.value = true
  }

  async function loadModels(): Promise<void> {
    try {
      const response = await fetch(`${relayUrl.value}/models`, {
        headers: accessToken.value ? { Authorization: `Bearer ${accessToken.value}` } : {},
      })
      if (!response.ok)
        throw await chatErrorFromResponse(response)
      const list = await response.json() as { data?: ModelInfo[] }
      models.value = Array.isArray(list.data) ? list.data.filter(m => typeof m?.id === 'string') : []
      modelsError.value = null
    }
    catch (error) {
      models.value = []
      modelsError.value = toChatError(error).toJSON()
    }
    const known = models.value.map(m => m.id)
    if (!known.includes(model.value))
      model.value = [runtime.value.defaultModel, known[0]].find(id => id && known.includes(id)) ?? model.value
  }

  return { runtime, relayUrlOverride, accessToken, model, theme, sendKey, imageHosts, models, modelsError, loaded, relayUrl, isDemo, init, whenLoaded, loadModels }
})

function readSaved(): SavedSettings {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as SavedSettings
    return typeof value === 'object' && value !== null ? value : {}
  }
  catch {
    return {}
  }
}
