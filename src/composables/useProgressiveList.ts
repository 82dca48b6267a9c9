import type { ComputedRef } from 'vue'
import { computed, onScopeDispose, ref, watch } from 'vue'

/**
 * Shows the last `initial` items of a long list at once and the earlier ones
 * a few at a time in idle moments, so opening a 500-message conversation costs
 * about as much as opening a short one. `key` changes when a different list is
 * shown (another conversation); then it starts over.
 */
export function useProgressiveList<T>(options: { items: () => readonly T[], key: () => unknown, initial?: number, step?: number }): ComputedRef<readonly T[]> {
  const { initial = 20, step = 5 } = options
  const start = ref(0)
  let handle: number | undefined
  const idle = (callback: () => void): number => typeof requestIdleCallback === 'function'
    ? requestIdleCallback(callback)
    : setTimeout(callback, 16) as unknown as number
  const cancelIdle = (id: number | undefined) => {
    if (id === undefined)
      return
    if (typeof cancelIdleCallback === 'function')
      cancelIdleCallback(id)
    else
      clearTimeout(id)
  }

  function revealMore() {
    handle = undefined
    start.value = Math.max(0, start.value - step)
    if (start.value > 0)
      handle = idle(revealMore)
  }

  watch(options.key, () => {
    cancelIdle(handle)
    handle = undefined
    start.value = Math.max(0, options.items().length - initial)
    if (start.value > 0)
      handle = idle(revealMore)
  }, { immediate: true })
  onScopeDispose(() => cancelIdle(handle))

  return computed(() => {
    const items = options.items()
    return start.value === 0 ? items : items.slice(Math.min(start.value, Math.max(0, items.length - initial)))
  })
}
