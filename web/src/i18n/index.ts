// Chinese first, English second; every visible text comes from these catalogues.
import { createI18n } from 'vue-i18n'
import { computed } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import enEl from 'element-plus/es/locale/lang/en'
import zhCN from './zh-CN'
import en from './en'
import { apiLanguageOf, initialLocale, rememberLocale, type Locale } from '../lib/locale'

export { LOCALES, type Locale } from '../lib/locale'

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
})

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  rememberLocale(locale)
}

/** The language the API answers in (Accept-Language). */
export function apiLanguage(): string {
  return apiLanguageOf(currentLocale())
}

export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? enEl : zhCn))
