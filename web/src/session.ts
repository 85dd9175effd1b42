// Who is logged in: the MeOut of /api/v1/auth/me (roles, permissions action → data scope).
import { ref } from 'vue'
import type { components } from './api/schema'
import { ApiError, api, unwrap } from './api/client'

export type Me = components['schemas']['MeOut']

export const me = ref<Me | null>(null)
let checked = false

/** The current person, asking the server once per page load; null when nobody is logged in. */
export async function ensureMe(): Promise<Me | null> {
  if (checked) return me.value
  try {
    me.value = await unwrap(api.GET('/api/v1/auth/me'))
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) throw err
    me.value = null
  }
  checked = true
  return me.value
}

export async function logIn(username: string, password: string): Promise<Me> {
  me.value = await unwrap(api.POST('/api/v1/auth/login', { body: { username, password } }))
  checked = true
  return me.value
}

export async function logOut(): Promise<void> {
  try {
    await unwrap(api.POST('/api/v1/auth/logout'))
  } finally {
    forget()
  }
}

/** Drop the local idea of the session (after log-out or when the server says it has ended). */
export function forget(): void {
  me.value = null
  checked = true
}
