// Case counts per area (GET /api/v1/cases/stats/by-grid | by-street, computed by the server over
// the list's filters) turned into map colours and tooltips.
import type { components } from '../api/schema'

export type AreaCount = components['schemas']['AreaCountOut']

export function countBy<T, K>(items: T[], key: (item: T) => K | null | undefined): Map<K, number> {
  const out = new Map<K, number>()
  for (const item of items) {
    const k = key(item)
    if (k === null || k === undefined) continue
    out.set(k, (out.get(k) ?? 0) + 1)
  }
  return out
}

// Yellow to red in five steps (ColorBrewer YlOrRd), by the share of the busiest grid.
const SCALE = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026']

export function gridColor(count: number, max: number): string {
  if (count <= 0 || max <= 0) return '#ffffff'
  const share = Math.min(1, count / max)
  return SCALE[Math.min(SCALE.length - 1, Math.ceil(share * SCALE.length) - 1)]!
}

/** The server's rows by area id. */
export function countsById(rows: AreaCount[]): Map<number, AreaCount> {
  return new Map(rows.map((r) => [r.area_id, r]))
}

/** The busiest area's count (at least 1, so that shares stay finite). */
export function maxCount(rows: AreaCount[]): number {
  return rows.reduce((m, r) => Math.max(m, r.count), 1)
}

export interface GridStyle {
  color: string
  weight: number
  fillColor: string
  fillOpacity: number
}

/**
 * A grid's look: filled by its count against the busiest grid; a grid holding red (overdue)
 * cases gets a red outline, one holding yellow cases an amber one, so trouble shows at a glance.
 */
export function gridStyle(row: AreaCount | undefined, max: number): GridStyle {
  const n = row?.count ?? 0
  const outline = row?.red ? { color: '#d03050', weight: 1.6 } : row?.yellow ? { color: '#e6a23c', weight: 1.2 } : { color: '#7a8ca3', weight: 0.4 }
  return { ...outline, fillColor: gridColor(n, max), fillOpacity: n ? 0.75 : 0.05 }
}

/** Legend steps for the fill: up to five counts between 1 and the maximum, each with its colour. */
export function legendSteps(max: number): { n: number; color: string }[] {
  const steps = [0.2, 0.4, 0.6, 0.8, 1].map((f) => Math.max(1, Math.round(max * f)))
  return [...new Set(steps)].map((n) => ({ n, color: gridColor(n, max) }))
}

/** The sum of the rows' counts (cases located in some area). */
export function totalOf(rows: { count: number }[]): number {
  return rows.reduce((s, r) => s + r.count, 0)
}
