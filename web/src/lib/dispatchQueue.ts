// What a dispatcher reads on each row of the queue: the first line of the citizen's words, how
// long the case has waited, and where the routing rules would send it.
import type { components } from '../api/schema'
import { relativeTime } from './format'

export type Suggestion = components['schemas']['RouteSuggestionOut']
type Translate = (key: string, values?: Record<string, unknown>) => string

const DAY_MS = 86_400_000

/** The first non-empty line of a description, cut at `max` characters with an ellipsis. */
export function firstLine(text: string | null | undefined, max = 80): string {
  const line = (text ?? '').split(/\r?\n/).map((l) => l.trim()).find(Boolean) ?? ''
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

/** "刚刚登记" in the first minute, "3小时前登记" under a day, "已等待2天" from one day on. */
export function ageLabel(createdAt: string, locale: string, t: Translate, now: number = Date.now()): string {
  const at = Date.parse(createdAt)
  if (Number.isNaN(at)) return ''
  const waited = now - at
  if (waited >= DAY_MS) return t('dispatchQueue.waitingDays', { n: Math.floor(waited / DAY_MS) })
  if (waited < 60_000) return t('dispatchQueue.justNow')
  return t('dispatchQueue.registeredAgo', { when: relativeTime(createdAt, locale, now) })
}

/** "规则 N：名称", or why no rule decided ("无规则命中"). */
export function ruleLabel(s: Suggestion | undefined, t: Translate): string {
  if (!s) return ''
  if (s.rule_key !== null && s.rule_name) return t('dispatchQueue.rule', { key: s.rule_key, name: s.rule_name })
  return t('dispatchQueue.noRule')
}

/** The numbers in chunks the suggestions endpoint accepts (at most 100 a request). */
export function chunks<T>(items: T[], size = 100): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
