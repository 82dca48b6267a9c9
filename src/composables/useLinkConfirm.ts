import type { Ref, ShallowRef } from 'vue'
import { onScopeDispose, shallowRef, watch } from 'vue'

// One confirmation for the whole page: any rendered answer may ask, the dialog
// mounted once by the app shell answers. The address is checked and described by
// the dialog, which loads on the first click: none of that code is in the first visit.
const pending = shallowRef<string | null>(null)

/** The `href` of the link waiting for the user's confirmation, or null; the dialog sets it back to null. */
export function useLinkConfirm(): { pending: ShallowRef<string | null> } {
  return { pending }
}

/**
 * Makes every link inside `target` ask before leaving: a click (with or without
 * a modifier key), a middle click or Enter on a focused link opens the
 * confirmation dialog with the real destination instead of navigating. The model
 * wrote both the link's text and its address, so the text proves nothing.
 */
export function useLinkInterception(target: Readonly<Ref<HTMLElement | null | undefined>>): void {
  function onClick(event: MouseEvent): void {
    if (event.type === 'auxclick' && event.button !== 1)
      return
    const link = (event.target as Element | null)?.closest?.('a[href]')
    if (!link || !target.value?.contains(link))
      return
    event.preventDefault()
    pending.value = link.getAttribute('href')
  }

  watch(target, (element, previous) => {
    previous?.removeEventListener('click', onClick)
    previous?.removeEventListener('auxclick', onClick)
    element?.addEventListener('click', onClick)
    element?.addEventListener('auxclick', onClick)
  }, { immediate: true, flush: 'sync' })
  onScopeDispose(() => {
    target.value?.removeEventListener('click', onClick)
    target.value?.removeEventListener('auxclick', onClick)
  })
}
