import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { canCompare, COMPARE_MAX } from '../lib/compare/group'
import { useSettingsStore } from './settings'

/**
 * Compare mode: whether the composer asks several models at once, and which.
 * Kept apart from the chat store so a first visit loads none of the compare UI.
 */
export const useCompareStore = defineStore('compare', () => {
  const settings = useSettingsStore()
  const enabled = ref(false)
  /** The models picked, in the order they were picked: the order of the columns. */
  const models = ref<string[]>([])
  const ready = computed(() => canCompare(models.value))

  /** Picks or unpicks a model; a fifth pick is refused. */
  function toggle(model: string): void {
    if (models.value.includes(model))
      models.value = models.value.filter(m => m !== model)
    else if (models.value.length < COMPARE_MAX)
      models.value = [...models.value, model]
  }

  // A model the relay no longer lists cannot be asked.
  watch(() => settings.models, (list) => {
    const known = new Set(list.map(m => m.id))
    if (known.size)
      models.value = models.value.filter(m => known.has(m))
  })

  return { enabled, models, ready, toggle }
})
