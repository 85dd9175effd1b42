// The one error shape of the backend: {"error": {"code", "message", "details"}}.
// `details.field` names one field; `details.fields` lists [{field, message}] (validation errors).

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly details: Record<string, unknown>

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.details = details
  }

  /** Messages keyed by field name, for showing next to each form field. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    const one = this.details.field
    if (typeof one === 'string' && one) out[one] = this.message
    const many = this.details.fields
    if (Array.isArray(many)) {
      for (const item of many) {
        if (item && typeof item === 'object' && typeof item.field === 'string' && item.field) {
          out[item.field] ??= typeof item.message === 'string' && item.message ? item.message : this.message
        }
      }
    }
    return out
  }

  /** True when every problem is attached to a field, so no separate banner is needed. */
  get isOnlyAboutFields(): boolean {
    return Object.keys(this.fieldErrors).length > 0
  }
}

export function isErrorBody(body: unknown): body is ErrorBody {
  if (!body || typeof body !== 'object') return false
  const error = (body as { error?: unknown }).error
  return (
    !!error &&
    typeof error === 'object' &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  )
}

/**
 * Turns whatever a failed response carried into an ApiError. A body that is not the platform's
 * shape (a proxy's HTML page, an empty 502) still gives a stable code and a readable message.
 */
export function toApiError(status: number, body: unknown, fallbackMessage: string): ApiError {
  if (isErrorBody(body)) {
    const { code, message, details } = body.error
    return new ApiError(status, code, message, details && typeof details === 'object' ? details : {})
  }
  return new ApiError(status, `http_${status}`, fallbackMessage)
}

/** Field messages of any thrown value (empty for anything that is not an ApiError). */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  return err instanceof ApiError ? err.fieldErrors : {}
}
