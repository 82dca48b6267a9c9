import type { Ref } from 'vue'
import { onScopeDispose, ref, watch } from 'vue'

/**
 * Whole seconds since `since()`, ticking once a second while `active()` is
 * true; stops its timer otherwise and on scope dispose.
 */
export function useElapsed(options: { since: () => number | undefined, active: () => boolean, now?: () => number }): Ref<number> {
  const now = options.now ?? Date.now
  const seconds = ref(0)
  let timer: ReturnType<typeof setInterval> | undefined

  const update = () => {
    const start = options.since()
    seconds.value = start === undefined ? 0 : Math.max(0, Math.floor((now() - start) / 1000))
  }
  watch(options.active, (active) => {
    clearInterval(timer)
    timer = undefined
    update()
    if (active)
      timer = setInterval(update, 1000)
  }, { immediate: true })
  onScopeDispose(() => clearInterval(timer))
  return seconds
}
