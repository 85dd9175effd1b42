// The caller panel's rules, apart from the screen so that vitest can check them.

/** Enough digits to be a phone number worth looking up (a landline without area code has 7). */
export function isLookupPhone(phone: string): boolean {
  return /^\+?[0-9-]{7,20}$/.test(phone.trim()) && phone.replace(/\D/g, '').length >= 7
}

/** The channel a call on this line is registered under: 12345, else a merged department hotline
 *  when the platform knows that channel value. */
export function channelForLine(line: string, known: readonly string[]): string {
  if (line === '12345') return 'hotline'
  return known.includes('dept_hotline') ? 'dept_hotline' : 'hotline'
}

const EXTENSION_KEY = 'zhiguan.intake.extension'

export function savedExtension(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string {
  try {
    return storage?.getItem(EXTENSION_KEY) ?? ''
  } catch {
    return ''
  }
}

export function saveExtension(value: string, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(EXTENSION_KEY, value.trim())
  } catch {
    // private mode: the extension lasts for this page only
  }
}
