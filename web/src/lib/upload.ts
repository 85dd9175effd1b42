// Files go up one by one to POST /api/v1/cases/attachments (multipart) and come back as ids that a
// registration or an action binds to the case. Plain fetch: openapi-fetch would serialise JSON.
import { readCookie } from '../api/client'
import { ApiError, toApiError } from '../api/errors'
import { apiLanguage, i18n } from '../i18n'

export interface Uploaded {
  id: number
  name: string
  content_type: string
  size: number
}

export async function uploadAttachment(file: File, fetchImpl: typeof fetch = fetch): Promise<Uploaded> {
  const body = new FormData()
  body.append('file', file, file.name)
  const headers: Record<string, string> = { 'Accept-Language': apiLanguage() }
  const token = readCookie('csrftoken')
  if (token) headers['X-CSRFToken'] = token
  let response: Response
  try {
    response = await fetchImpl('/api/v1/cases/attachments', { method: 'POST', body, headers, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network_error', i18n.global.t('errors.network'))
  }
  const data = await response.json().catch(() => null)
  if (!response.ok) throw toApiError(response.status, data, i18n.global.t('errors.http', { status: response.status }))
  return data as Uploaded
}

/** Query string of a filter object: arrays repeat their key, empty values are left out. */
export function queryString(params: Record<string, unknown>): string {
  const q = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') continue
    if (Array.isArray(value)) value.forEach((v) => q.append(key, String(v)))
    else q.append(key, String(value))
  }
  return q.toString()
}
