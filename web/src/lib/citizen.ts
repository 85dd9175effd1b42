// The citizen's own report (POST /api/v1/cases/public/submit, multipart, no log-in): the form,
// its FormData, one Idempotency-Key per form fill (a retry on a bad network returns the first
// case instead of a second one), and the district's level-1/level-2 categories.
import type { components } from '../api/schema'
import { readCookie } from '../api/client'
import { ApiError, toApiError } from '../api/errors'
import { apiLanguage, i18n } from '../i18n'

export type PublicCategory = components['schemas']['PublicCategoryOut']
export type SubmitOut = components['schemas']['PublicSubmitOut']

/** What a citizen may ask for (every request type the server knows), most common first. */
export const PUBLIC_REQUEST_TYPES = ['complaint', 'help', 'report', 'suggestion', 'consultation', 'praise'] as const
export const PUBLIC_CHANNELS = ['web', 'app', 'wechat'] as const

export interface CitizenPoint {
  lng: number
  lat: number
  /** The browser's geolocation gives WGS-84, and so does the console's map (its outlines are
   * WGS-84); GCJ-02 (the server's default) only comes from Chinese map apps. */
  crs: 'wgs84' | 'gcj02'
}

export interface CitizenForm {
  jurisdiction: string
  request_type: string
  category1: number | null
  category2: number | null
  description: string
  name: string
  phone: string
  channel: string
  address: string
  point: CitizenPoint | null
  photo: File | null
}

export function blankCitizenForm(jurisdiction = ''): CitizenForm {
  return {
    jurisdiction,
    request_type: 'complaint',
    category1: null,
    category2: null,
    description: '',
    name: '',
    phone: '',
    channel: 'web',
    address: '',
    point: null,
    photo: null,
  }
}

export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random().toString(36).slice(2)}`
}

/** The category sent: the level-2 one when chosen, else the level-1 one (the server checks it). */
export function chosenCategory(form: Pick<CitizenForm, 'category1' | 'category2'>): number | null {
  return form.category2 ?? form.category1
}

/** The multipart body: trimmed text, the point with its coordinate system, the photo when given. */
export function submitFormData(form: CitizenForm): FormData {
  const body = new FormData()
  body.append('jurisdiction', form.jurisdiction.trim())
  body.append('request_type', form.request_type)
  const category = chosenCategory(form)
  if (category !== null) body.append('category_id', String(category))
  body.append('description', form.description.trim())
  body.append('name', form.name.trim())
  body.append('phone', form.phone.replace(/[\s-]/g, ''))
  body.append('channel', form.channel)
  if (form.address.trim()) body.append('address', form.address.trim())
  if (form.point) {
    body.append('lng', form.point.lng.toFixed(6))
    body.append('lat', form.point.lat.toFixed(6))
    body.append('crs', form.point.crs)
  }
  if (form.photo) body.append('photo', form.photo, form.photo.name)
  return body
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { 'Accept-Language': apiLanguage(), ...extra }
  const token = readCookie('csrftoken')
  if (token) out['X-CSRFToken'] = token
  return out
}

async function send<T>(request: () => Promise<Response>): Promise<T> {
  let response: Response
  try {
    response = await request()
  } catch {
    throw new ApiError(0, 'network_error', i18n.global.t('errors.network'))
  }
  const data = await response.json().catch(() => null)
  if (!response.ok) throw toApiError(response.status, data, i18n.global.t('errors.http', { status: response.status }))
  return data as T
}

/**
 * Sends the report. Plain fetch: openapi-fetch would serialise JSON, and this call must not pass
 * through the console's 401 handling (the citizen page has no log-in to go back to).
 */
export function submitReport(form: CitizenForm, idempotencyKey: string, fetchImpl: typeof fetch = fetch): Promise<SubmitOut> {
  return send(() =>
    fetchImpl('/api/v1/cases/public/submit', {
      method: 'POST',
      body: submitFormData(form),
      headers: headers({ 'Idempotency-Key': idempotencyKey }),
      credentials: 'same-origin',
    }),
  )
}

export function publicCategories(jurisdiction: string, fetchImpl: typeof fetch = fetch): Promise<PublicCategory[]> {
  const q = new URLSearchParams({ jurisdiction: jurisdiction.trim() })
  return send(() => fetchImpl(`/api/v1/cases/public/categories?${q}`, { headers: headers(), credentials: 'same-origin' }))
}

/** The last four digits of a phone number, for following the case. */
export function lastFour(phone: string): string {
  return phone.replace(/\D/g, '').slice(-4)
}

export const isDistrictCode = (code: string) => /^\d{6}$/.test(code.trim())

/** The browser's position (WGS-84, as GPS gives it); rejects with the browser's reason. */
export function currentPosition(timeout = 15000): Promise<CitizenPoint> {
  return new Promise((resolve, reject) => {
    if (typeof navigator === 'undefined' || !navigator.geolocation) {
      reject(new Error('unavailable'))
      return
    }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lng: p.coords.longitude, lat: p.coords.latitude, crs: 'wgs84' }),
      (e) => reject(new Error(e.code === e.PERMISSION_DENIED ? 'denied' : e.code === e.TIMEOUT ? 'timeout' : 'unavailable')),
      { enableHighAccuracy: true, timeout, maximumAge: 60_000 },
    )
  })
}
