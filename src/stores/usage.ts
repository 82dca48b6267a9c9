import type { Pricing } from '../lib/usage/cost'
import type { UsageEntry } from '../lib/usage/entries'
import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { budgetState } from '../lib/usage/budget'
import { isPricing, pricingTable } from '../lib/usage/cost'
import { usageEntries } from '../lib/usage/entries'
import { monthToDateMicros } from '../lib/usage/totals'
import { useChatStore } from './chat'
import { useSettingsStore } from './settings'

const STORAGE_KEY = 'sori.usage'

interface SavedUsage {
  budgetUsd?: number | null
  pricing?: Record<string, Pricing>
}

/**
 * Usage and cost, counted from the conversations stored in this browser (so it
 * works offline), and the optional monthly budget.
 */
export const useUsageStore = defineStore('usage', () => {
  const chat = useChatStore()
  const settings = useSettingsStore()
  const saved = readSaved()
  /** USD per month; null for no budget. */
  const budgetUsd = ref<number | null>(typeof saved.budgetUsd === 'number' && saved.budgetUsd > 0 ? saved.budgetUsd : null)
  /**
   * The prices last listed by the relay, kept so costs still show offline and
   * for models the operator has since removed. Fresh prices replace them.
   */
  const knownPricing = ref<Record<string, Pricing>>(validPricing(saved.pricing))

  const pricing = computed(() => ({ ...knownPricing.value, ...pricingTable(settings.models) }))
  const entries = computed<UsageEntry[]>(() => usageEntries(chat.conversations, pricing.value))
  // The month is read from the clock when entries change, which every answer does.
  const monthSpentMicros = computed(() => monthToDateMicros(entries.value, Date.now()))
  // Without a budget nothing is counted: a first visit pays for no pass over the history.
  const budget = computed(() => budgetState(budgetUsd.value === null ? 0 : monthSpentMicros.value, budgetUsd.value))

  watch(() => settings.models, (models) => {
    const fresh = pricingTable(models)
    if (Object.keys(fresh).length > 0)
      knownPricing.value = { ...knownPricing.value, ...fresh }
  }, { immediate: true })
  watch([budgetUsd, knownPricing], () => {
    const value: SavedUsage = { budgetUsd: budgetUsd.value, pricing: knownPricing.value }
    localStorage.setItem(STORAGE_KEY, JSON.stringify(value))
  })

  return { budgetUsd, knownPricing, pricing, entries, monthSpentMicros, budget }
})

function readSaved(): SavedUsage {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as SavedUsage
    return typeof value === 'object' && value !== null ? value : {}
  }
  catch {
    return {}
  }
}

function validPricing(value: unknown): Record<string, Pricing> {
  if (typeof value !== 'object' || value === null)
    return {}
  return pricingTable(Object.entries(value).map(([id, pricing]) => ({ id, pricing: isPricing(pricing) ? pricing : undefined })))
}
