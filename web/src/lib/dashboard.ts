// The dashboard's pure parts: links from a tile to the case list it counts, percentages, and the
// reconnecting change stream (EventSource) that tells the screen to fetch again.
import { OPEN_STATUSES } from './cases'

export interface DashArea {
  level: string
  id: number | null
}

export type Query = Record<string, string | string[]>

/** The case-list filter of an area: the deepest of street, community, grid. */
export function areaQuery(area: DashArea): Query {
  if (area.id == null || area.level === 'district') return {}
  return { [`${area.level}_id`]: String(area.id) }
}

/** `/console/cases?…` for a tile: its area, its dates and its own filters. */
export function casesLink(area: DashArea, extra: Query = {}): { path: string; query: Query } {
  return { path: '/console/cases', query: { ...areaQuery(area), ...extra } }
}

export const openQuery = (): Query => ({ status: [...OPEN_STATUSES] })

export function range(from: string, to: string): Query {
  return { created_from: from, created_to: to }
}

/** "12.5%" or "—" (no base to divide by). */
/** The months' counts as two lines: the whole months, and the current month (counted so far) joined
 * to the one before it, so that a partial count is drawn apart instead of reading as a fall. */
export function splitCurrent(counts: number[]): { whole: (number | null)[]; current: (number | null)[] } {
  const last = counts.length - 1
  return {
    whole: counts.map((n, i) => (i < last ? n : null)),
    current: counts.map((n, i) => (i >= last - 1 ? n : null)),
  }
}

export function pct(value: number | null | undefined): string {
  return value == null ? '—' : `${value.toFixed(1)}%`
}

/** "+12.5%" / "−3.0%" / null for a change against a base. */
export function signed(value: number | null | undefined): string | null {
  if (value == null) return null
  const sign = value > 0 ? '+' : value < 0 ? '−' : '±'
  return `${sign}${Math.abs(value).toFixed(1)}%`
}

export interface StreamHandlers {
  onChange: (version: number) => void
  onState: (live: boolean) => void
}

/**
 * Listen to `/api/v1/dashboard/stream`: each `change` carries the new version. The server ends
 * each connection after a while; EventSource reconnects by itself and sends the last version it
 * heard (Last-Event-ID), so nothing is missed in between.
 */
export function listen(version: () => number, handlers: StreamHandlers, url = '/api/v1/dashboard/stream'): () => void {
  let source: EventSource | null = null
  let closed = false
  let retry: ReturnType<typeof setTimeout> | null = null
  const open = () => {
    if (closed) return
    source = new EventSource(`${url}?version=${version()}`)
    source.addEventListener('open', () => handlers.onState(true))
    source.addEventListener('change', (e) => {
      const v = Number(JSON.parse((e as MessageEvent).data).version)
      if (Number.isFinite(v)) handlers.onChange(v)
    })
    source.addEventListener('error', () => {
      handlers.onState(false)
      // A closed stream (the server refused, or a proxy gave up): start again after a pause.
      if (source && source.readyState === EventSource.CLOSED) {
        source = null
        retry = setTimeout(open, 3000)
      }
    })
  }
  open()
  return () => {
    closed = true
    if (retry) clearTimeout(retry)
    source?.close()
  }
}
