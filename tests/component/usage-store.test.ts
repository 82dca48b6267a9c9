import { createPinia, setActivePinia } from 'pinia'
import { afterEach, describe, expect, it } from 'vitest'
import { nextTick } from 'vue'
import { useChatStore } from '../../src/stores/chat'
import { useSettingsStore } from '../../src/stores/settings'
import { useUsageStore } from '../../src/stores/usage'
import { PRICED_MODELS, spentConversation } from './usage-fixtures'

function freshStores() {
  setActivePinia(createPinia())
  return { chat: useChatStore(), settings: useSettingsStore(), usage: useUsageStore() }
}

describe('the usage store', () => {
  afterEach(() => localStorage.clear())

  it('remembers the relay\'s prices, so costs still show offline', async () => {
    const online = freshStores()
    online.settings.models = PRICED_MODELS
    await nextTick()
    online.chat.conversations.push(spentConversation('a', 2))
    expect(online.usage.monthSpentMicros).toBe(2_000_000)

    // Next visit, offline: the model list cannot load.
    const offline = freshStores()
    offline.chat.conversations.push(spentConversation('a', 2))
    expect(offline.settings.models).toEqual([])
    expect(offline.usage.pricing).toEqual({ 'gpt-4.1': { input: 1, output: 1 } })
    expect(offline.usage.monthSpentMicros).toBe(2_000_000)
  })

  it('keeps the budget across visits and counts nothing without one', async () => {
    const first = freshStores()
    first.settings.models = PRICED_MODELS
    first.chat.conversations.push(spentConversation('a', 9))
    expect(first.usage.budget).toMatchObject({ level: 'off', spentMicros: 0 })
    first.usage.budgetUsd = 10
    await nextTick()
    expect(first.usage.budget).toMatchObject({ level: 'warning', spentMicros: 9_000_000, budgetMicros: 10_000_000 })
    expect(freshStores().usage.budgetUsd).toBe(10)
  })

  it('adds an answer once it has finished, not while it streams', async () => {
    const { chat, settings, usage } = freshStores()
    settings.models = PRICED_MODELS
    const conversation = spentConversation('a', 1)
    const answer = conversation.messages[1]!
    answer.status = 'streaming'
    chat.conversations.push(conversation)
    expect(usage.entries).toEqual([])
    chat.conversations[0]!.messages[1]!.status = 'done'
    expect(usage.entries.map(e => e.costMicros)).toEqual([1_000_000])
  })
})
