// Chinese first, English second; every visible text comes from these catalogues.
import { createI18n } from 'vue-i18n'
import { computed } from 'vue'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import enEl from 'element-plus/es/locale/lang/en'
import zhCN from './zh-CN'
import en from './en'

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
  document.documentElement.lang = locale
  // The server's pages (admin, error pages) follow this choice, Chinese without it (decision 062).
  document.cookie = `django_language=${locale === 'en' ? 'en' : 'zh-hans'}; path=/; max-age=31536000; SameSite=Lax`
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // not remembered; still switched for this page
  }
}

/** The language the API answers in (Accept-Language). */
export function apiLanguage(): string {
  return currentLocale() === 'en' ? 'en' : 'zh-hans'
}

export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? enEl : zhCn))
