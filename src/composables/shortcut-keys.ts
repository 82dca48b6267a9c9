// Pure keyboard logic for the app-wide shortcuts: which shortcut a keydown is,
// whether it applies right now, and how its keys are written. No DOM here, so
// the rules are unit-tested without a browser.

export type ShortcutId = 'newChat' | 'focusComposer' | 'stop' | 'toggleSidebar' | 'search' | 'help'

export interface KeyCombo {
  /** `KeyboardEvent.key`; letters in lower case, matched in either. */
  key: string
  /** `KeyboardEvent.code`, used when the layout types a non-Latin letter (Hangul mode). */
  code: string
  /** Cmd on a Mac, Ctrl elsewhere. */
  mod?: boolean
  shift?: boolean
}

export const SHORTCUTS: ReadonlyArray<{ id: ShortcutId, combo: KeyCombo }> = [
  { id: 'newChat', combo: { key: 'o', code: 'KeyO', mod: true, shift: true } },
  { id: 'focusComposer', combo: { key: 'Escape', code: 'Escape', shift: true } },
  { id: 'stop', combo: { key: 'Escape', code: 'Escape' } },
  { id: 'toggleSidebar', combo: { key: 's', code: 'KeyS', mod: true, shift: true } },
  { id: 'search', combo: { key: 'k', code: 'KeyK', mod: true } },
  { id: 'help', combo: { key: '/', code: 'Slash', mod: true } },
]

export interface KeyInput {
  key: string
  code?: string
  ctrlKey?: boolean
  metaKey?: boolean
  shiftKey?: boolean
  altKey?: boolean
  isComposing?: boolean
  keyCode?: number
}

const LATIN_LETTER = /^[a-z]$/i

function keyMatches(event: KeyInput, combo: KeyCombo): boolean {
  if (event.key.toLowerCase() === combo.key.toLowerCase())
    return true
  // With the Korean IME in Hangul mode, Ctrl+Shift+O can report key "ㅐ";
  // the physical key is still KeyO. An ASCII key is trusted as typed, so
  // shortcuts follow the printed keys on other layouts (AZERTY, German Ctrl+-
  // sits where "/" is on US keyboards and must stay zoom-out).
  return event.key.length === 1 && event.key.charCodeAt(0) > 0x7F && event.code === combo.code
}

/** The shortcut a keydown triggers, or null. Never one while an IME is composing. */
export function matchShortcut(event: KeyInput, mac: boolean): ShortcutId | null {
  // 229 is the keyCode of keys the IME is still processing; Escape then cancels the composition.
  if (event.isComposing || event.keyCode === 229 || event.altKey)
    return null
  const mod = mac ? Boolean(event.metaKey) && !event.ctrlKey : Boolean(event.ctrlKey) && !event.metaKey
  const otherMod = mac ? event.ctrlKey : event.metaKey
  for (const { id, combo } of SHORTCUTS) {
    if (!keyMatches(event, combo) || Boolean(combo.mod) !== mod || (!combo.mod && otherMod))
      continue
    // A symbol such as "/" needs Shift on some layouts (German: Shift+7), so
    // Shift only counts for letters and named keys.
    const symbol = combo.key.length === 1 && !LATIN_LETTER.test(combo.key)
    if (symbol || Boolean(combo.shift) === Boolean(event.shiftKey))
      return id
  }
  return null
}

export interface ShortcutContext {
  /** An answer is streaming in the open conversation. */
  streaming: boolean
  /** Focus is in a text field that holds text, where Escape may mean something else. */
  inFilledField: boolean
  /** Focus is in an open dialog, which handles its own keys (Escape closes it). */
  inDialog: boolean
}

/** Whether a matched shortcut should run now; when not, the browser keeps the key. */
export function shortcutApplies(id: ShortcutId, context: ShortcutContext): boolean {
  if (context.inDialog)
    return false
  if (id === 'stop')
    return context.streaming && !context.inFilledField
  return true
}

/** Whether the platform string (`navigator.userAgentData.platform` or `navigator.platform`) is Apple's. */
export function isMacPlatform(platform: string | undefined): boolean {
  return /mac|iphone|ipad|ipod/i.test(platform ?? '')
}

/** The keys of a shortcut as they are written on this platform: ⇧⌘O on a Mac, Ctrl+Shift+O elsewhere. */
export function comboKeys(combo: KeyCombo, mac: boolean): string[] {
  const key = combo.key === 'Escape' ? 'Esc' : combo.key.toUpperCase()
  if (mac)
    return [...(combo.shift ? ['⇧'] : []), ...(combo.mod ? ['⌘'] : []), key]
  return [...(combo.mod ? ['Ctrl'] : []), ...(combo.shift ? ['Shift'] : []), key]
}

/** A shortcut written as one string, for a tooltip. */
export function formatCombo(combo: KeyCombo, mac: boolean): string {
  return comboKeys(combo, mac).join(mac ? '' : '+')
}

/** The combo of a shortcut by id. */
export function comboOf(id: ShortcutId): KeyCombo {
  return SHORTCUTS.find(shortcut => shortcut.id === id)!.combo
}
