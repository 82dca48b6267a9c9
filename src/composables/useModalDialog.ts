import type { Ref } from 'vue'
import { onMounted, watch } from 'vue'

/**
 * Keeps a `<dialog>` shown as a modal while `open` is true. `onOpen` runs just
 * before it is shown (to fill a form). Set `open` to false on the element's
 * `close` event (Escape closes it too).
 */
export function useModalDialog(open: Ref<boolean>, dialog: Readonly<Ref<HTMLDialogElement | null>>, options: { onOpen?: () => void } = {}): void {
  function sync(isOpen: boolean) {
    if (!isOpen)
      return dialog.value?.close()
    if (dialog.value?.open)
      return
    options.onOpen?.()
    dialog.value?.showModal()
  }

  watch(open, sync, { flush: 'post' })
  // Dialogs are loaded lazily, so one may mount already open.
  onMounted(() => open.value && sync(true))
}
