import type { ShortcutId } from './shortcut-keys'
import { onScopeDispose } from 'vue'
import { isMacPlatform, matchShortcut, shortcutApplies } from './shortcut-keys'

export interface ShortcutOptions {
  /** What each shortcut does; a shortcut without a handler leaves its key to the browser. */
  handlers: Partial<Record<ShortcutId, () => void>>
  /** Whether an answer is streaming, so Escape has something to stop. */
  isStreaming: () => boolean
  /** Where to listen; the window by default. */
  target?: EventTarget
  /** Cmd instead of Ctrl; detected from the browser by default. */
  mac?: boolean
}

/** The browser's platform: Cmd on Apple devices, Ctrl elsewhere. */
export function detectMac(): boolean {
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } }
  return isMacPlatform(nav.userAgentData?.platform || nav.platform)
}

function isFilledField(target: EventTarget | null): boolean {
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)
    return target.value !== ''
  return target instanceof HTMLElement && target.isContentEditable && Boolean(target.textContent)
}

/**
 * App-wide keyboard shortcuts, listened for until the calling scope ends.
 * None fires while an IME composition is active (Escape then cancels the
 * composition), nor for a key an element already handled (`preventDefault`).
 */
export function useShortcuts(options: ShortcutOptions) {
  const target = options.target ?? window
  const mac = options.mac ?? detectMac()
  // Belt and braces: some browsers send the keydown that ends a composition
  // with isComposing false, so the composition events are tracked too.
  let composing = false
  const onCompositionstart = () => {
    composing = true
  }
  const onCompositionend = () => {
    composing = false
  }

  function onKeydown(event: Event) {
    if (!(event instanceof KeyboardEvent) || event.defaultPrevented || composing)
      return
    const id = matchShortcut(event, mac)
    const handler = id && options.handlers[id]
    if (!id || !handler)
      return
    const element = event.target instanceof Element ? event.target : null
    const context = {
      streaming: options.isStreaming(),
      inFilledField: isFilledField(event.target),
      inDialog: Boolean(element?.closest('dialog[open]')),
    }
    if (!shortcutApplies(id, context))
      return
    event.preventDefault()
    handler()
  }

  target.addEventListener('keydown', onKeydown)
  target.addEventListener('compositionstart', onCompositionstart, true)
  target.addEventListener('compositionend', onCompositionend, true)
  onScopeDispose(() => {
    target.removeEventListener('keydown', onKeydown)
    target.removeEventListener('compositionstart', onCompositionstart, true)
    target.removeEventListener('compositionend', onCompositionend, true)
  })

  return { mac }
}
