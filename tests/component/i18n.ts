import type { Locale } from '../../src/i18n'
import { createAppI18n } from '../../src/i18n'
import en from '../../src/i18n/locales/en.json'
import ko from '../../src/i18n/locales/ko.json'

/** vue-i18n with both languages loaded, as a page that switched language once has them. */
export function testI18n(locale: Locale) {
  return createAppI18n(locale, { ko, en })
}
