import { ref } from 'vue'

export interface EnterKeydown {
  key: string
  keyCode?: number
  isComposing?: boolean
  shiftKey?: boolean
  altKey?: boolean
  ctrlKey?: boolean
  metaKey?: boolean
}

/** Which key sends: Enter (Shift+Enter for a new line), or Ctrl/⌘+Enter (Enter for a new line). */
export type SendKey = 'enter' | 'ctrl-enter'

/** Some browsers deliver the Enter that ended a composition just after `compositionend`. */
export const COMPOSITION_END_GRACE_MS = 50

export type EnterAction = 'send' | 'swallow' | 'default'

/**
 * Decides what an Enter keydown in the composer does: send the message,
 * swallow it (the Enter that committed an IME composition: no send, no
 * newline), or let the browser handle it (IME keys, Shift+Enter newline).
 */
export function enterAction(event: EnterKeydown, state: { composing: boolean, msSinceCompositionEnd: number, sendKey?: SendKey }): EnterAction {
  if (event.key !== 'Enter')
    return 'default'
  // 229 is the keyCode of every key the IME is still processing (Chrome, Safari).
  if (event.isComposing || event.keyCode === 229 || state.composing)
    return 'default'
  if (state.msSinceCompositionEnd < COMPOSITION_END_GRACE_MS)
    return 'swallow'
  if (event.shiftKey || event.altKey)
    return 'default'
  if (state.sendKey === 'ctrl-enter' && !event.ctrlKey && !event.metaKey)
    return 'default'
  return 'send'
}

/**
 * Keyboard handling for a textarea where Enter sends and Enter while
 * composing Korean, Japanese or Chinese never does. Bind the three handlers.
 */
export function useImeSafeEnter(options: { onSend: () => void, sendKey?: () => SendKey, now?: () => number }) {
  const now = options.now ?? (() => performance.now())
  const composing = ref(false)
  let compositionEndedAt = Number.NEGATIVE_INFINITY

  function onCompositionstart() {
    composing.value = true
  }
  function onCompositionend() {
    composing.value = false
    compositionEndedAt = now()
  }
  function onKeydown(event: KeyboardEvent) {
    const action = enterAction(event, { composing: composing.value, msSinceCompositionEnd: now() - compositionEndedAt, sendKey: options.sendKey?.() })
    if (action === 'default')
      return
    event.preventDefault()
    if (action === 'send')
      options.onSend()
  }

  return { composing, onKeydown, onCompositionstart, onCompositionend }
}
