// The citizen portal's calls to the public API (no log-in, plain fetch: no console 401 handling,
// no openapi-fetch in this small bundle) and the rules of its forms: the report's multipart body
// with one Idempotency-Key per form fill (a retry on a bad network returns the first case), the
// device id behind "me too", and which nearby report is "the same problem".
import type { components } from '../api/schema'
import { ApiError, toApiError } from '../api/errors'
import { apiLanguage, t } from './i18n'

export type PublicCategory = components['schemas']['PublicCategoryOut']
export type SubmitOut = components['schemas']['PublicSubmitOut']
export type District = components['schemas']['DistrictOut']
export type NearbyReport = components['schemas']['NearbyReportOut']
export type MeTooOut = components['schemas']['MeTooOut']
export type PublicCase = components['schemas']['PublicCaseOut']
export type RatingOut = components['schemas']['RatingOut']

/** What a citizen may ask for (every request type the server knows), most common first. */
export const PUBLIC_REQUEST_TYPES = ['complaint', 'help', 'report', 'suggestion', 'consultation', 'praise'] as const
export const PUBLIC_CHANNELS = ['web', 'app', 'wechat'] as const
export const CALLBACK_RESULTS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const
/** A nearby report is offered as "the same problem" within this distance (metres). */
export const SAME_PROBLEM_METRES = 200

export interface CitizenPoint {
  lng: number
  lat: number
  /** The browser's geolocation gives WGS-84, and so does the portal's map (its outlines are WGS-84). */
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

/**
 * Nearby reports that are "the same problem" as the one being written: still open, within 200 m,
 * and of the chosen category (the level-2 one when chosen, else the level-1 one); nearest first.
 */
export function sameProblem(reports: NearbyReport[], form: Pick<CitizenForm, 'category1' | 'category2'>): NearbyReport[] {
  if (form.category1 === null) return []
  return reports
    .filter((r) => r.open && r.distance_m <= SAME_PROBLEM_METRES)
    .filter((r) => (form.category2 !== null ? r.category2_id === form.category2 : r.category1_id === form.category1))
    .sort((a, b) => a.distance_m - b.distance_m)
}

function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`))
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null
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
    throw new ApiError(0, 'network_error', t('errors.network'))
  }
  const data = await response.json().catch(() => null)
  if (!response.ok) throw toApiError(response.status, data, t('errors.http', { status: response.status }))
  return data as T
}

const BASE = '/api/v1/cases/public'
const get = <T>(path: string, fetchImpl: typeof fetch) =>
  send<T>(() => fetchImpl(`${BASE}${path}`, { headers: headers(), credentials: 'same-origin' }))
const post = <T>(path: string, body: unknown, fetchImpl: typeof fetch) =>
  send<T>(() =>
    fetchImpl(`${BASE}${path}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: headers({ 'Content-Type': 'application/json' }),
      credentials: 'same-origin',
    }),
  )

export function submitReport(form: CitizenForm, idempotencyKey: string, fetchImpl: typeof fetch = fetch): Promise<SubmitOut> {
  return send(() =>
    fetchImpl(`${BASE}/submit`, {
      method: 'POST',
      body: submitFormData(form),
      headers: headers({ 'Idempotency-Key': idempotencyKey }),
      credentials: 'same-origin',
    }),
  )
}

export function publicCategories(jurisdiction: string, fetchImpl: typeof fetch = fetch): Promise<PublicCategory[]> {
  return get(`/categories?${new URLSearchParams({ jurisdiction: jurisdiction.trim() })}`, fetchImpl)
}

export function districts(fetchImpl: typeof fetch = fetch): Promise<District[]> {
  return get('/districts', fetchImpl)
}

export function nearbyReports(jurisdiction: string, point: CitizenPoint, fetchImpl: typeof fetch = fetch): Promise<NearbyReport[]> {
  const q = new URLSearchParams({ jurisdiction, lng: point.lng.toFixed(6), lat: point.lat.toFixed(6), crs: point.crs })
  return get(`/nearby?${q}`, fetchImpl)
}

export function meToo(jurisdiction: string, reportId: number, phone = '', fetchImpl: typeof fetch = fetch): Promise<MeTooOut> {
  return post(`/reports/${reportId}/me-too`, { jurisdiction, device: deviceId(), phone: phone.replace(/[\s-]/g, '') }, fetchImpl)
}

export function followCase(number: string, phoneLast4: string, fetchImpl: typeof fetch = fetch): Promise<PublicCase> {
  return post('/follow', { number: number.trim(), phone_last4: phoneLast4.trim() }, fetchImpl)
}

export function rateCase(
  body: { result: string; comment: string } & ({ token: string } | { number: string; phone_last4: string }),
  fetchImpl: typeof fetch = fetch,
): Promise<RatingOut> {
  return post('/rate', body, fetchImpl)
}

export function areasUrl(jurisdiction: string): string {
  return `${BASE}/areas.geojson?${new URLSearchParams({ jurisdiction, level: 'street', crs: 'wgs84' })}`
}

const DEVICE_KEY = 'zhiguan.device'
/** A random id kept on this phone: "me too" counts once per device (and once per phone number). */
export function deviceId(storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeStorage()): string {
  const saved = storage?.getItem(DEVICE_KEY)
  if (saved && /^[A-Za-z0-9-]{8,64}$/.test(saved)) return saved
  const made = newIdempotencyKey().replace(/[^A-Za-z0-9-]/g, '').slice(0, 64)
  storage?.setItem(DEVICE_KEY, made)
  return made
}

export function safeStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null
  } catch {
    return null
  }
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
