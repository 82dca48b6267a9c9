import type { MaybeRefOrGetter, Ref } from 'vue'
import { onScopeDispose, toValue, watch } from 'vue'

export interface UseCodeCopyOptions {
  /** The element holding the rendered Markdown; clicks are handled there, once for all buttons. */
  target: Readonly<Ref<HTMLElement | null | undefined>>
  /** The button's label, e.g. a translated "Copy". */
  label: MaybeRefOrGetter<string>
  /** Shown for a moment after a successful copy. */
  copiedLabel: MaybeRefOrGetter<string>
}

const SELECTOR = '[data-testid="copy-code"]'
const COPIED_FOR_MS = 2000

/**
 * Copy buttons for code blocks: `addButton` puts one into a finished `<pre>`
 * (pass it as `onCodeBlock`), and a click copies that block's code text with the
 * Clipboard API. The button is built with DOM calls, never from HTML, and sits
 * outside the `<code>` element, so the copied text is exactly the code.
 */
export function useCodeCopy(options: UseCodeCopyOptions): { addButton: (pre: HTMLPreElement) => void } {
  const timers = new Set<ReturnType<typeof setTimeout>>()

  function addButton(pre: HTMLPreElement): void {
    const button = pre.ownerDocument.createElement('button')
    button.type = 'button'
    button.className = 'chat-copy-code'
    button.dataset.testid = 'copy-code'
    button.textContent = toValue(options.label)
    pre.prepend(button)
  }

  async function onClick(event: Event): Promise<void> {
    const button = (event.target as Element | null)?.closest?.(SELECTOR)
    const code = button?.parentElement?.querySelector('code')
    if (!button || !code)
      return
    try {
      await navigator.clipboard.writeText(code.textContent ?? '')
    }
    catch {
      // Denied or unavailable (an insecure origin): the code can still be selected by hand.
      return
    }
    button.textContent = toValue(options.copiedLabel)
    const timer = setTimeout(() => {
      timers.delete(timer)
      button.textContent = toValue(options.label)
    }, COPIED_FOR_MS)
    timers.add(timer)
  }

  watch(options.target, (element, previous) => {
    previous?.removeEventListener('click', onClick)
    element?.addEventListener('click', onClick)
  }, { immediate: true, flush: 'sync' })
  // A language switch relabels the buttons already shown.
  watch(() => toValue(options.label), (label) => {
    options.target.value?.querySelectorAll(SELECTOR).forEach((button) => {
      button.textContent = label
    })
  })
  onScopeDispose(() => {
    options.target.value?.removeEventListener('click', onClick)
    timers.forEach(clearTimeout)
  })

  return { addButton }
}
