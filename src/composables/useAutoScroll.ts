import type { Ref } from 'vue'
import { nextTick, onScopeDispose, ref, watch } from 'vue'

/** Distance from the bottom, in pixels, that still counts as "at the bottom". */
const BOTTOM_SLACK_PX = 48

/**
 * Keeps a scroll container pinned to the newest content while the reader is at
 * the bottom; scrolling up pauses it until they return.
 */
export function useAutoScroll(options: { container: Ref<HTMLElement | null>, content: () => unknown }) {
  const atBottom = ref(true)

  function onScroll() {
    const el = options.container.value
    if (el)
      atBottom.value = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX
  }

  function scrollToBottom() {
    const el = options.container.value
    if (el)
      el.scrollTop = el.scrollHeight
    atBottom.value = true
  }

  watch(options.container, (el, previous) => {
    previous?.removeEventListener('scroll', onScroll)
    el?.addEventListener('scroll', onScroll, { passive: true })
  }, { immediate: true })

  watch(options.content, () => {
    if (atBottom.value)
      nextTick(scrollToBottom)
  }, { flush: 'post' })

  onScopeDispose(() => options.container.value?.removeEventListener('scroll', onScroll))

  return { atBottom, scrollToBottom }
}
