// The person's language, shared by the console and the citizen portal (each has its own
// catalogue): where it is remembered, and what the server is told. No vue-i18n or Element Plus
// here, so the portal's small bundle can use it.

export type Locale = 'zh-CN' | 'en'
export const LOCALES: Locale[] = ['zh-CN', 'en']
const STORAGE_KEY = 'zhiguan.locale'

/** The language chosen earlier in this browser; Chinese without one. */
export function initialLocale(): Locale {
  try {
    const saved = localStorage.getItem(STORAGE_KEY)
    if (saved === 'en' || saved === 'zh-CN') return saved
  } catch {
    // storage blocked: Chinese by default
  }
  return 'zh-CN'
}

/** Remember a choice: the page's lang, the server's pages (decision 062) and the next visit. */
export function rememberLocale(locale: Locale): void {
  document.documentElement.lang = locale
  // The server's pages (admin, error pages) follow this choice, Chinese without it.
  document.cookie = `django_language=${locale === 'en' ? 'en' : 'zh-hans'}; path=/; max-age=31536000; SameSite=Lax`
  try {
    localStorage.setItem(STORAGE_KEY, locale)
  } catch {
    // not remembered; still switched for this page
  }
}

/** The Accept-Language the API is asked in. */
export function apiLanguageOf(locale: string): string {
  return locale === 'en' ? 'en' : 'zh-hans'
}
