// The rules of the intake administration screens (docs/decisions/085), apart from the screens so
// that vitest can check them.

export const LIST_TYPES = ['singlevaluelist', 'multivaluelist'] as const
export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const
export type Datatype = (typeof DATATYPES)[number]

/** A GeoReport attribute code: what clients send as attribute[code]. */
export function validAttributeCode(code: string): boolean {
  return /^[A-Za-z0-9_-]{1,64}$/.test(code.trim())
}

export interface ValueRow {
  key: string
  name: string
}

/** The choices as the server takes them: trimmed, blank rows dropped, none for a non-list type. */
export function cleanValues(datatype: string, values: ValueRow[]): ValueRow[] {
  if (!(LIST_TYPES as readonly string[]).includes(datatype)) return []
  return values.map((v) => ({ key: v.key.trim(), name: v.name.trim() })).filter((v) => v.key || v.name)
}

/** What is wrong with the form, as an i18n key, or '' when it may be saved. */
export function attributeProblem(draft: { code: string; description: string; datatype: string; values: ValueRow[] }): string {
  if (!validAttributeCode(draft.code)) return 'intakeAdmin.open311.attributes.codeHint'
  if (!draft.description.trim()) return 'intakeAdmin.open311.attributes.description'
  const values = cleanValues(draft.datatype, draft.values)
  if ((LIST_TYPES as readonly string[]).includes(draft.datatype)) {
    if (!values.length || values.some((v) => !v.key || !v.name)) return 'intakeAdmin.open311.attributes.values'
    if (new Set(values.map((v) => v.key)).size !== values.length) return 'intakeAdmin.open311.attributes.valueKey'
  }
  return ''
}

/** A service matches the search by its name, code or group (case-insensitive). */
export function matchesService(service: { name: string; code: string; group: string }, query: string): boolean {
  const q = query.trim().toLowerCase()
  if (!q) return true
  return [service.name, service.code, service.group].some((s) => s.toLowerCase().includes(q))
}

/** A mobile number as the server takes it (the same rule as notifications.mobile_number). */
export function mobileNumber(phone: string): string | null {
  let digits = phone.replace(/[\s\-()]/g, '')
  for (const prefix of ['+86', '0086', '86']) {
    if (digits.startsWith(prefix) && digits.length === 11 + prefix.length) digits = digits.slice(prefix.length)
  }
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null
}
