// The typed API client: openapi-fetch over the generated `paths`, plus what every call needs:
// the CSRF header on unsafe methods, the console's language, and one error type (ApiError).
import createClient, { type Middleware } from 'openapi-fetch'
import type { paths } from './schema'
import { ApiError, toApiError } from './errors'

export { ApiError } from './errors'

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export interface ClientHooks {
  csrfToken: () => string | null
  language: () => string
  /** Called on a 401 from anything but the log-in itself: the session has ended. */
  onUnauthenticated: () => void
  /** Message for failures that carry no platform error body (network down, proxy page). */
  fallbackMessage: (status: number) => string
}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${name}=`))
  return match ? decodeURIComponent(match.slice(name.length + 1)) : null
}

const hooks: ClientHooks = {
  csrfToken: () => readCookie('csrftoken'),
  language: () => 'zh-hans',
  onUnauthenticated: () => {},
  fallbackMessage: (status) => (status ? `HTTP ${status}` : 'Network error'),
}

export function configureClient(overrides: Partial<ClientHooks>): void {
  Object.assign(hooks, overrides)
}

const headers: Middleware = {
  onRequest({ request }) {
    request.headers.set('Accept-Language', hooks.language())
    if (UNSAFE.has(request.method)) {
      const token = hooks.csrfToken()
      if (token) request.headers.set('X-CSRFToken', token)
    }
    return request
  },
  onResponse({ request, response }) {
    if (response.status === 401 && !new URL(request.url, 'http://x').pathname.endsWith('/auth/login')) {
      hooks.onUnauthenticated()
    }
    return response
  },
}

export function createApi(fetchImpl?: typeof fetch) {
  const client = createClient<paths>({
    baseUrl: '',
    credentials: 'same-origin',
    fetch: fetchImpl ? (req: Request) => fetchImpl(req) : (req: Request) => globalThis.fetch(req),
  })
  client.use(headers)
  return client
}

export const api = createApi()

interface FetchResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/**
 * Awaits an openapi-fetch call and returns its data, or throws ApiError with the server's
 * code, message and details (network failures become code "network_error", status 0).
 */
export async function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  let result: FetchResult<T>
  try {
    result = await call
  } catch (cause) {
    if (cause instanceof ApiError) throw cause
    throw new ApiError(0, 'network_error', hooks.fallbackMessage(0))
  }
  const { data, error, response } = result
  if (response.ok) return data as T
  throw toApiError(response.status, error, hooks.fallbackMessage(response.status))
}
