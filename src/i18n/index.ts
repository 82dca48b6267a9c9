import { createI18n } from 'vue-i18n'
import en from './locales/en.json'
import ko from './locales/ko.json'

export type Locale = 'ko' | 'en'
export const LOCALES: readonly Locale[] = ['ko', 'en']
const STORAGE_KEY = 'sori.locale'

/** The saved choice, else the browser's first language we speak, else English. */
export function detectLocale(saved: string | null, languages: readonly string[]): Locale {
  if (saved === 'ko' || saved === 'en')
    return saved
  for (const language of languages) {
    const base = language.toLowerCase().split('-')[0]
    if (base === 'ko' || base === 'en')
      return base
  }
  return 'en'
}

export function createAppI18n(locale: Locale) {
  return createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { ko, en } })
}

export function saveLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}

export function initialLocale(): Locale {
  return detectLocale(localStorage.getItem(STORAGE_KEY), navigator.languages ?? [navigator.language])
}
