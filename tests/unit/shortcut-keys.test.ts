import type { KeyInput, ShortcutContext, ShortcutId } from '../../src/composables/shortcut-keys'
import { describe, expect, it } from 'vitest'
import { comboKeys, comboOf, formatCombo, isMacPlatform, matchShortcut, shortcutApplies } from '../../src/composables/shortcut-keys'

const cases: Array<{ name: string, event: KeyInput, mac?: boolean, id: ShortcutId | null }> = [
  { name: 'Ctrl+Shift+O starts a new chat', event: { key: 'O', code: 'KeyO', ctrlKey: true, shiftKey: true }, id: 'newChat' },
  { name: 'Cmd+Shift+O starts a new chat on a Mac', event: { key: 'o', code: 'KeyO', metaKey: true, shiftKey: true }, mac: true, id: 'newChat' },
  { name: 'Ctrl+Shift+O is not Cmd on a Mac', event: { key: 'O', code: 'KeyO', ctrlKey: true, shiftKey: true }, mac: true, id: null },
  { name: 'Cmd+Shift+O is not Ctrl elsewhere', event: { key: 'O', code: 'KeyO', metaKey: true, shiftKey: true }, id: null },
  { name: 'Ctrl+O without Shift is the browser\'s', event: { key: 'o', code: 'KeyO', ctrlKey: true }, id: null },
  { name: 'Ctrl+Shift+O in Hangul mode matches by physical key', event: { key: 'ㅐ', code: 'KeyO', ctrlKey: true, shiftKey: true }, id: 'newChat' },
  { name: 'Shift+Escape focuses the composer', event: { key: 'Escape', code: 'Escape', shiftKey: true }, id: 'focusComposer' },
  { name: 'Escape stops', event: { key: 'Escape', code: 'Escape' }, id: 'stop' },
  { name: 'Ctrl+Escape is nothing', event: { key: 'Escape', code: 'Escape', ctrlKey: true }, id: null },
  { name: 'Ctrl+Shift+S toggles the sidebar', event: { key: 'S', code: 'KeyS', ctrlKey: true, shiftKey: true }, id: 'toggleSidebar' },
  { name: 'Ctrl+S stays the browser\'s save', event: { key: 's', code: 'KeyS', ctrlKey: true }, id: null },
  { name: 'Ctrl+K searches', event: { key: 'k', code: 'KeyK', ctrlKey: true }, id: 'search' },
  { name: 'Cmd+K searches on a Mac', event: { key: 'k', code: 'KeyK', metaKey: true }, mac: true, id: 'search' },
  { name: 'Ctrl+Shift+K is not search', event: { key: 'K', code: 'KeyK', ctrlKey: true, shiftKey: true }, id: null },
  { name: 'Ctrl+/ opens the help', event: { key: '/', code: 'Slash', ctrlKey: true }, id: 'help' },
  { name: 'Ctrl+/ typed with Shift (German layout) opens the help', event: { key: '/', code: 'Digit7', ctrlKey: true, shiftKey: true }, id: 'help' },
  { name: 'German Ctrl+- (where US has /) stays zoom-out', event: { key: '-', code: 'Slash', ctrlKey: true }, id: null },
  { name: 'AZERTY: the key printed K counts, wherever it is', event: { key: 'k', code: 'KeyK', ctrlKey: true }, id: 'search' },
  { name: 'AZERTY: Ctrl+A on the QWERTY Q position is not a shortcut', event: { key: 'a', code: 'KeyQ', ctrlKey: true }, id: null },
  { name: 'AltGr (Ctrl+Alt) combinations are left alone', event: { key: 'k', code: 'KeyK', ctrlKey: true, altKey: true }, id: null },
  { name: 'nothing fires while composing', event: { key: 'Escape', code: 'Escape', isComposing: true }, id: null },
  { name: 'nothing fires for a key the IME is processing (229)', event: { key: 'Process', code: 'KeyK', ctrlKey: true, keyCode: 229 }, id: null },
  { name: 'a plain letter is nothing', event: { key: 'k', code: 'KeyK' }, id: null },
]

describe('matchShortcut', () => {
  it.each(cases)('$name', ({ event, mac, id }) => {
    expect(matchShortcut(event, mac ?? false)).toBe(id)
  })
})

describe('shortcutApplies', () => {
  const idle: ShortcutContext = { streaming: false, inFilledField: false, inDialog: false }

  it('stops only while an answer is streaming', () => {
    expect(shortcutApplies('stop', idle)).toBe(false)
    expect(shortcutApplies('stop', { ...idle, streaming: true })).toBe(true)
  })

  it('leaves Escape to a text field that holds text', () => {
    expect(shortcutApplies('stop', { ...idle, streaming: true, inFilledField: true })).toBe(false)
    expect(shortcutApplies('newChat', { ...idle, inFilledField: true })).toBe(true)
  })

  it('leaves every key to an open dialog', () => {
    for (const id of ['newChat', 'focusComposer', 'stop', 'toggleSidebar', 'search', 'help'] as const)
      expect(shortcutApplies(id, { streaming: true, inFilledField: false, inDialog: true })).toBe(false)
  })
})

describe('shortcut labels', () => {
  it('writes Ctrl and Shift elsewhere, ⌘ and ⇧ on a Mac', () => {
    expect(comboKeys(comboOf('newChat'), false)).toEqual(['Ctrl', 'Shift', 'O'])
    expect(comboKeys(comboOf('newChat'), true)).toEqual(['⇧', '⌘', 'O'])
    expect(formatCombo(comboOf('toggleSidebar'), false)).toBe('Ctrl+Shift+S')
    expect(formatCombo(comboOf('toggleSidebar'), true)).toBe('⇧⌘S')
    expect(formatCombo(comboOf('focusComposer'), false)).toBe('Shift+Esc')
    expect(formatCombo(comboOf('help'), false)).toBe('Ctrl+/')
  })

  it('recognises Apple platforms', () => {
    expect(['MacIntel', 'macOS', 'iPhone', 'iPad'].map(isMacPlatform)).toEqual([true, true, true, true])
    expect(['Win32', 'Windows', 'Linux x86_64', 'Android', '', undefined].map(isMacPlatform)).toEqual([false, false, false, false, false, false])
  })
})
