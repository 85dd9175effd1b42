// The portal's languages: its own small catalogue (./messages), the same locale key as the console.
import { createI18n } from 'vue-i18n'
import { messages } from './messages'
import { apiLanguageOf, initialLocale, rememberLocale, type Locale } from '../lib/locale'

export { LOCALES, type Locale } from '../lib/locale'

export const i18n = createI18n({ legacy: false, locale: initialLocale(), fallbackLocale: 'zh-CN', messages })

export const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values)

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  rememberLocale(locale)
}

/** The language the API answers in (Accept-Language), and so the SMS after a submission. */
export function apiLanguage(): string {
  return apiLanguageOf(i18n.global.locale.value)
}
