import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, configureClient, createApi, unwrap } from '../src/api/client'

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

function fakeFetch(respond: (req: Request) => Response | Promise<Response>) {
  const seen: Request[] = []
  const impl = vi.fn(async (req: Request) => {
    seen.push(req)
    return respond(req)
  }) as unknown as typeof fetch
  return { impl, seen }
}

afterEach(() => configureClient({ onUnauthenticated: () => {}, csrfToken: () => null, language: () => 'zh-hans' }))

describe('API client', () => {
  it('returns the data of a successful call', async () => {
    const { impl } = fakeFetch(() => jsonResponse(200, [{ id: 1, name: '城市管理局' }]))
    const data = await unwrap(createApi(impl).GET('/api/v1/org/departments'))
    expect(data).toEqual([{ id: 1, name: '城市管理局' }])
  })

  it('throws the server error with code, message and details', async () => {
    const body = { error: { code: 'invalid_input', message: '请说明原因。', details: { field: 'reason' } } }
    const { impl } = fakeFetch(() => jsonResponse(422, body))
    const call = createApi(impl).POST('/api/v1/org/people/{person_id}/reveal', {
      params: { path: { person_id: 3 } },
      body: { reason: ' ' },
    })
    const err = await unwrap(call).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err).toMatchObject({ status: 422, code: 'invalid_input', message: '请说明原因。' })
    expect((err as ApiError).fieldErrors).toEqual({ reason: '请说明原因。' })
  })

  it('maps validation errors listed in details.fields to their fields', async () => {
    const body = {
      error: {
        code: 'invalid_input',
        message: 'Some fields are not valid.',
        details: {
          fields: [
            { field: 'username', type: 'string_too_short', message: 'String should have at least 1 character' },
            { field: 'password', type: 'missing', message: '' },
          ],
        },
      },
    }
    const { impl } = fakeFetch(() => jsonResponse(422, body))
    const err = (await unwrap(createApi(impl).POST('/api/v1/auth/login', { body: { username: '', password: '' } })).catch(
      (e: unknown) => e,
    )) as ApiError
    expect(err.fieldErrors).toEqual({
      username: 'String should have at least 1 character',
      password: 'Some fields are not valid.',
    })
  })

  it('gives a stable code when the body is not the platform error shape', async () => {
    configureClient({ fallbackMessage: (s) => `failed ${s}` })
    const { impl } = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }))
    const err = (await unwrap(createApi(impl).GET('/api/v1/auth/me')).catch((e: unknown) => e)) as ApiError
    expect(err).toMatchObject({ status: 502, code: 'http_502', message: 'failed 502', details: {} })
    expect(err.fieldErrors).toEqual({})
  })

  it('turns a network failure into network_error', async () => {
    configureClient({ fallbackMessage: (s) => (s ? `HTTP ${s}` : 'offline') })
    const impl = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    }) as unknown as typeof fetch
    const err = (await unwrap(createApi(impl).GET('/api/v1/auth/me')).catch((e: unknown) => e)) as ApiError
    expect(err).toMatchObject({ status: 0, code: 'network_error', message: 'offline' })
  })

  it('sends the CSRF token on unsafe methods only, and the console language always', async () => {
    configureClient({ csrfToken: () => 'tok123', language: () => 'en' })
    const { impl, seen } = fakeFetch(() => jsonResponse(200, { ok: true }))
    const client = createApi(impl)
    await unwrap(client.GET('/api/v1/auth/me'))
    await unwrap(client.POST('/api/v1/auth/logout'))
    expect(seen[0]!.headers.get('X-CSRFToken')).toBeNull()
    expect(seen[1]!.headers.get('X-CSRFToken')).toBe('tok123')
    expect(seen.map((r) => r.headers.get('Accept-Language'))).toEqual(['en', 'en'])
  })

  it('reports an ended session on 401, but not for a failed log-in', async () => {
    const ended = vi.fn()
    configureClient({ onUnauthenticated: ended })
    const body = { error: { code: 'not_authenticated', message: 'Log in first.', details: {} } }
    const { impl } = fakeFetch(() => jsonResponse(401, body))
    const client = createApi(impl)
    await unwrap(client.POST('/api/v1/auth/login', { body: { username: 'a', password: 'b' } })).catch(() => {})
    expect(ended).not.toHaveBeenCalled()
    await unwrap(client.GET('/api/v1/org/departments')).catch(() => {})
    expect(ended).toHaveBeenCalledTimes(1)
  })
})
