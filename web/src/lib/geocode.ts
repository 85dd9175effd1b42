// The intake console's geocoder helpers (GET /api/v1/gis/geocode and /reverse-geocode): which
// match to place by default, the alternatives, how a precision and the areas read. Pure functions.
import type { components } from '../api/schema'
import { ApiError } from '../api/errors'

export type GeocodeMatch = components['schemas']['GeocodeMatchOut']
export type GeocodeResult = components['schemas']['GeocodeOut']
export type ReverseResult = components['schemas']['ReverseGeocodeOut']
export interface TextCandidate {
  text: string
  score: number
}
type Translate = (key: string, named?: Record<string, unknown>) => string

/** Fewer characters than this are not looked up. */
export const MIN_CHARS = 2
/** Alternatives shown under the best match. */
export const MAX_ALTERNATIVES = 4

export const PRECISIONS = ['room', 'building', 'door', 'poi', 'intersection', 'road'] as const

export function shouldGeocode(text: string): boolean {
  return text.trim().length >= MIN_CHARS
}

/** 门牌 / 楼栋 / 户室 / 兴趣点 / 路口 / 道路; an unknown precision reads as itself. */
export function precisionLabel(precision: string, t: Translate): string {
  return (PRECISIONS as readonly string[]).includes(precision) ? t(`geocode.precision.${precision}`) : precision
}

interface Areas {
  street_name?: string | null
  community_name?: string | null
  grid_name?: string | null
}

/** "下沙街道 / 文海社区 / 网格 3"; a missing level reads "—", no area at all reads "". */
export function formatAreas(areas: Areas | null | undefined): string {
  if (!areas) return ''
  const parts = [areas.street_name, areas.community_name, areas.grid_name]
  if (parts.every((p) => !p)) return ''
  return parts.map((p) => p || '—').join(' / ')
}

/** The match placed by default: the best one. */
export function defaultChoice(result: GeocodeResult | null | undefined): GeocodeMatch | null {
  return result?.matched ?? null
}

/** Up to `max` alternatives: the candidates, without the best match itself or repeats. */
export function alternatives(result: GeocodeResult | null | undefined, max = MAX_ALTERNATIVES): GeocodeMatch[] {
  if (!result) return []
  const seen = new Set([matchKey(result.matched)])
  const out: GeocodeMatch[] = []
  for (const c of result.candidates) {
    const key = matchKey(c)
    if (seen.has(key)) continue
    seen.add(key)
    out.push(c)
    if (out.length >= max) break
  }
  return out
}

function matchKey(m: GeocodeMatch): string {
  return `${m.kind}:${m.code || m.address}`
}

/** The nearest names an `address_not_found` answer carries (null for any other failure). */
export function notFoundCandidates(err: unknown, max = MAX_ALTERNATIVES + 1): TextCandidate[] | null {
  if (!(err instanceof ApiError) || err.code !== 'address_not_found') return null
  const raw = err.details.candidates
  if (!Array.isArray(raw)) return []
  const out: TextCandidate[] = []
  for (const c of raw) {
    if (c && typeof c === 'object' && typeof (c as TextCandidate).text === 'string' && (c as TextCandidate).text) {
      const score = Number((c as TextCandidate).score)
      out.push({ text: (c as TextCandidate).text, score: Number.isFinite(score) ? score : 0 })
    }
    if (out.length >= max) break
  }
  return out
}

/** Whole metres, never below 1 ("约1米"). */
export function roundMetres(distance: number): number {
  return Math.max(1, Math.round(distance))
}

/** Whether a point the operator placed is the same as a match (so no reverse look-up is offered). */
export function samePoint(a: { lng: number; lat: number } | null | undefined, b: { lng: number; lat: number } | null | undefined): boolean {
  return !!a && !!b && Math.abs(a.lng - b.lng) < 1e-9 && Math.abs(a.lat - b.lat) < 1e-9
}
