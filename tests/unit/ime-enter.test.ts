import type { EnterAction, EnterKeydown } from '../../src/composables/useImeSafeEnter'
import { describe, expect, it } from 'vitest'
import { COMPOSITION_END_GRACE_MS, enterAction } from '../../src/composables/useImeSafeEnter'

const idle = { composing: false, msSinceCompositionEnd: Number.POSITIVE_INFINITY }

const cases: Array<{ name: string, event: EnterKeydown, state?: { composing: boolean, msSinceCompositionEnd: number }, action: EnterAction }> = [
  { name: 'plain Enter sends', event: { key: 'Enter', keyCode: 13 }, action: 'send' },
  { name: 'plain Enter without keyCode sends', event: { key: 'Enter' }, action: 'send' },
  { name: 'Shift+Enter adds a line', event: { key: 'Enter', keyCode: 13, shiftKey: true }, action: 'default' },
  { name: 'Alt+Enter adds a line', event: { key: 'Enter', keyCode: 13, altKey: true }, action: 'default' },
  { name: 'Enter while isComposing is left to the IME', event: { key: 'Enter', keyCode: 13, isComposing: true }, action: 'default' },
  { name: 'Enter with keyCode 229 is left to the IME', event: { key: 'Enter', keyCode: 229 }, action: 'default' },
  { name: 'Enter between compositionstart and compositionend is left to the IME', event: { key: 'Enter', keyCode: 13 }, state: { composing: true, msSinceCompositionEnd: Number.POSITIVE_INFINITY }, action: 'default' },
  { name: 'Enter right after compositionend is swallowed', event: { key: 'Enter', keyCode: 13 }, state: { composing: false, msSinceCompositionEnd: 0 }, action: 'swallow' },
  { name: 'Enter just inside the grace period is swallowed', event: { key: 'Enter', keyCode: 13 }, state: { composing: false, msSinceCompositionEnd: COMPOSITION_END_GRACE_MS - 1 }, action: 'swallow' },
  { name: 'Enter exactly at the end of the grace period sends', event: { key: 'Enter', keyCode: 13 }, state: { composing: false, msSinceCompositionEnd: COMPOSITION_END_GRACE_MS }, action: 'send' },
  { name: 'Enter just after the grace period sends', event: { key: 'Enter', keyCode: 13 }, state: { composing: false, msSinceCompositionEnd: COMPOSITION_END_GRACE_MS + 1 }, action: 'send' },
  { name: 'Shift+Enter right after compositionend is swallowed too (it committed the composition)', event: { key: 'Enter', keyCode: 13, shiftKey: true }, state: { composing: false, msSinceCompositionEnd: 10 }, action: 'swallow' },
  { name: 'keyCode 229 inside the grace period is still left to the IME', event: { key: 'Enter', keyCode: 229 }, state: { composing: false, msSinceCompositionEnd: 5 }, action: 'default' },
  { name: 'a letter key is left alone', event: { key: 'a', keyCode: 65 }, action: 'default' },
  { name: 'a Hangul key is left alone', event: { key: 'ㅎ', keyCode: 229, isComposing: true }, action: 'default' },
  { name: 'Process key is left alone', event: { key: 'Process', keyCode: 229 }, action: 'default' },
  { name: 'a letter key right after compositionend is left alone', event: { key: 'a', keyCode: 65 }, state: { composing: false, msSinceCompositionEnd: 0 }, action: 'default' },
]

describe('enterAction', () => {
  it('has a grace period of 50 ms', () => {
    expect(COMPOSITION_END_GRACE_MS).toBe(50)
  })

  it.each(cases)('$name', ({ event, state, action }) => {
    expect(enterAction(event, state ?? idle)).toBe(action)
  })
})
