// The portal's languages: its own small catalogue (./messages), the same locale key as the console.
import { createI18n } from 'vue-i18n'
import { messages } from './messages'

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
const STORAGE_KEY = 'zhiguan.locale'

function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    // storage blocked: Chinese by default
  }
  return 'zh-CN'
}

export const i18n = createI18n({ legacy: false, locale: initialLocale(), fallbackLocale: 'zh-CN', messages })

export const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values)

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  document.documentElement.lang = locale
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // not remembered; still switched for this page
  }
}

/** The language the API answers in (Accept-Language), and so the SMS after a submission. */
export function apiLanguage(): string {
  return i18n.global.locale.value === 'en' ? 'en' : 'zh-hans'
}
