// Case lists through the one list endpoint (keyset pages of at most 200): a page, or every page
// up to a cap for the screens that sort or count on the client.
import type { components, operations } from '../api/schema'
import { api, unwrap } from '../api/client'

export type Summary = components['schemas']['CaseSummaryOut']
export type CaseFilter = NonNullable<operations['zhiguan_cases_api_list_cases']['parameters']['query']>

export async function casePage(filter: CaseFilter): Promise<components['schemas']['CasePage']> {
  return unwrap(api.GET('/api/v1/cases', { params: { query: filter } }))
}

/** The filtered cases, newest first, at most `cap` of them, with the total the server counted. */
export async function casesUpTo(filter: CaseFilter, cap = 1000): Promise<{ items: Summary[]; total: number }> {
  const items: Summary[] = []
  let cursor: string | null = null
  let total = 0
  do {
    const page = await casePage({ ...filter, limit: Math.min(200, cap - items.length), cursor })
    items.push(...page.items)
    total = page.total
    cursor = page.next_cursor
  } while (cursor && items.length < cap)
  return { items, total }
}

/** Drop empty values so that the URL and the request carry only the filters in use. */
export function compact<T extends Record<string, unknown>>(filter: T): Partial<T> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(filter)) {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) continue
    out[k] = v
  }
  return out as Partial<T>
}
