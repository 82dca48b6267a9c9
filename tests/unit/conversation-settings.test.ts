import { describe, expect, it } from 'vitest'
import { enterAction } from '../../src/composables/useImeSafeEnter'
import { parseSettingsForm, requestParams, SYSTEM_PROMPT_PRESETS } from '../../src/lib/chat/conversation-settings'

const empty = { systemPrompt: '', temperature: '', topP: '', maxTokens: '' }

describe('conversation settings', () => {
  it('reads a valid form, empty fields meaning the model default', () => {
    expect(parseSettingsForm({ systemPrompt: '  한국어로  ', temperature: '0.7', topP: '', maxTokens: '512' }))
      .toEqual({ ok: true, settings: { systemPrompt: '한국어로', temperature: 0.7, topP: undefined, maxTokens: 512 } })
    expect(parseSettingsForm(empty)).toEqual({ ok: true, settings: { systemPrompt: undefined, temperature: undefined, topP: undefined, maxTokens: undefined } })
  })

  it('names every field out of range and applies nothing', () => {
    expect(parseSettingsForm({ systemPrompt: '', temperature: '2.5', topP: 'abc', maxTokens: '1.5' }))
      .toEqual({ ok: false, problems: ['temperature', 'topP', 'maxTokens'] })
    expect(parseSettingsForm({ ...empty, maxTokens: '0' })).toEqual({ ok: false, problems: ['maxTokens'] })
  })

  it('sends only the parameters the user set, with their API names', () => {
    expect(requestParams({ temperature: 0, topP: 0.9 })).toEqual({ temperature: 0, top_p: 0.9 })
    expect(requestParams({ maxTokens: 100 })).toEqual({ max_tokens: 100 })
    expect(requestParams(undefined)).toEqual({})
  })

  it('has the Korean assistant among the presets', () => {
    expect(SYSTEM_PROMPT_PRESETS.find(p => p.id === 'korean')?.prompt).toMatch(/한국어 어시스턴트/)
  })
})

describe('the send key setting', () => {
  const idle = { composing: false, msSinceCompositionEnd: 10_000 }
  it('with Ctrl+Enter, plain Enter adds a line and Ctrl or Cmd+Enter sends', () => {
    const state = { ...idle, sendKey: 'ctrl-enter' as const }
    expect(enterAction({ key: 'Enter' }, state)).toBe('default')
    expect(enterAction({ key: 'Enter', ctrlKey: true }, state)).toBe('send')
    expect(enterAction({ key: 'Enter', metaKey: true }, state)).toBe('send')
    expect(enterAction({ key: 'Enter', ctrlKey: true, isComposing: true }, state)).toBe('default')
  })
  it('with Enter, Ctrl+Enter sends too', () => {
    expect(enterAction({ key: 'Enter', ctrlKey: true }, { ...idle, sendKey: 'enter' })).toBe('send')
  })
})
