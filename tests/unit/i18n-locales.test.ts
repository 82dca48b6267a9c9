import { describe, expect, it } from 'vitest'
import { detectLocale, loadMessages } from '../../src/i18n'
import en from '../../src/i18n/locales/en.json'
import ko from '../../src/i18n/locales/ko.json'

/** Every key path with the `{placeholders}` its message fills. */
function shape(messages: object, prefix = ''): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [key, value] of Object.entries(messages)) {
    if (typeof value === 'string')
      out[prefix + key] = [...new Set([...value.matchAll(/\{(\w+)\}/g)].map(m => m[1]!))].sort()
    else
      Object.assign(out, shape(value as object, `${prefix}${key}.`))
  }
  return out
}

describe('locale files', () => {
  it('have the same keys with the same placeholders in Korean and English, as no fallback is loaded', () => {
    expect(shape(ko)).toEqual(shape(en))
  })

  it('load one language at a time', async () => {
    expect(await loadMessages('ko')).toEqual(ko)
    expect(await loadMessages('en')).toEqual(en)
  })

  it('follow the saved choice, else the browser languages, else English', () => {
    expect(detectLocale('en', ['ko-KR'])).toBe('en')
    expect(detectLocale(null, ['ja-JP', 'ko-KR'])).toBe('ko')
    expect(detectLocale(null, ['fr-FR'])).toBe('en')
  })
})
