// The inspector on the street: the device's position (WGS-84, with its accuracy), the distance to a
// case's point, and the multipart report (POST /api/v1/cases/field-reports). Plain fetch for the
// report: openapi-fetch would serialise JSON.
import type { components } from '../api/schema'
import { readCookie } from '../api/client'
import { ApiError, toApiError } from '../api/errors'
import { apiLanguage, i18n } from '../i18n'

export type FieldReportOut = components['schemas']['FieldReportOut']

export interface Fix {
  lng: number
  lat: number
  /** The device's accuracy radius in metres. */
  accuracy: number | null
}

export type GeoProblem = 'denied' | 'unavailable' | 'unsupported'

/** Worse than this, the inspector is told to move into the open and locate again. */
export const POOR_ACCURACY_M = 100

/** Great-circle distance in metres (the same formula as the server's `geo.crs.haversine_m`). */
export function distanceM(a: { lng: number; lat: number }, b: { lng: number; lat: number }): number {
  const rad = Math.PI / 180
  const dPhi = (b.lat - a.lat) * rad
  const dLambda = (b.lng - a.lng) * rad
  const h = Math.sin(dPhi / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLambda / 2) ** 2
  return 2 * 6371008.8 * Math.asin(Math.sqrt(h))
}

/** The device's position now (the browser's geolocation is WGS-84), or the reason there is none. */
export function locate(geo: Geolocation | undefined = globalThis.navigator?.geolocation, timeout = 15000): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!geo) {
      reject('unsupported' satisfies GeoProblem)
      return
    }
    geo.getCurrentPosition(
      (p) => resolve({ lng: p.coords.longitude, lat: p.coords.latitude, accuracy: Number.isFinite(p.coords.accuracy) ? p.coords.accuracy : null }),
      (err) => reject((err.code === 1 ? 'denied' : 'unavailable') satisfies GeoProblem),
      { enableHighAccuracy: true, timeout, maximumAge: 0 },
    )
  })
}

export function geoProblem(reason: unknown): GeoProblem {
  return reason === 'denied' || reason === 'unsupported' ? reason : 'unavailable'
}

export interface FieldReport {
  /** Null only when a city component is named: the report is then of the component's type. */
  categoryId: number | null
  description: string
  address: string
  fix: Fix | null
  photos: File[]
  /** The city component (城市部件) the report is about: its id (docs/decisions/074). */
  componentId?: number | null
}

/** The form body of a report: the position only when the device gave one (else the photo's EXIF decides). */
export function reportBody(report: FieldReport): FormData {
  const body = new FormData()
  if (report.categoryId) body.append('category_id', String(report.categoryId))
  if (report.componentId) body.append('component', String(report.componentId))
  body.append('description', report.description.trim())
  if (report.address.trim()) body.append('address', report.address.trim())
  if (report.fix) {
    body.append('lng', String(report.fix.lng))
    body.append('lat', String(report.fix.lat))
    body.append('crs', 'wgs84')
    if (report.fix.accuracy !== null) body.append('accuracy', String(Math.round(report.fix.accuracy * 10) / 10))
  }
  for (const photo of report.photos) body.append('photos', photo, photo.name)
  return body
}

/** A new key per report; a retry of the same report (a lost answer) sends the same one again. */
export function newIdempotencyKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `field-${Date.now()}-${Math.random().toString(36).slice(2)}`
}

export async function submitFieldReport(report: FieldReport, key: string, fetchImpl: typeof fetch = fetch): Promise<FieldReportOut> {
  const headers: Record<string, string> = { 'Accept-Language': apiLanguage(), 'Idempotency-Key': key }
  const token = readCookie('csrftoken')
  if (token) headers['X-CSRFToken'] = token
  let response: Response
  try {
    response = await fetchImpl('/api/v1/cases/field-reports', { method: 'POST', body: reportBody(report), headers, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network_error', i18n.global.t('errors.network'))
  }
  const data = await response.json().catch(() => null)
  if (!response.ok) throw toApiError(response.status, data, i18n.global.t('errors.http', { status: response.status }))
  return data as FieldReportOut
}
