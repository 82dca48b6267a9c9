import type { Composer } from 'vue-i18n'
import type en from './locales/en.json'
import { createI18n } from 'vue-i18n'

export type Locale = 'ko' | 'en'
export type Messages = typeof en
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

/** The messages of one language; each locale is its own chunk, so a first visit downloads only the one it shows. */
export async function loadMessages(locale: Locale): Promise<Messages> {
  const module = locale === 'ko' ? await import('./locales/ko.json') : await import('./locales/en.json')
  return module.default
}

/** vue-i18n with the messages loaded so far (every locale has every key; a test checks it). */
export function createAppI18n(locale: Locale, messages: Partial<Record<Locale, Messages>>) {
  return createI18n({ legacy: false, locale, fallbackLocale: false, messages })
}

/** Switches the language, loading its messages first if need be. */
export async function switchLocale(i18n: Composer, locale: Locale): Promise<void> {
  if (!i18n.availableLocales.includes(locale))
    i18n.setLocaleMessage(locale, await loadMessages(locale))
  i18n.locale.value = locale
  saveLocale(locale)
}

export function saveLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}

export function initialLocale(): Locale {
  return detectLocale(localStorage.getItem(STORAGE_KEY), navigator.languages ?? [navigator.language])
}
