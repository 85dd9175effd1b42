// Times are shown in the district's time zone (Asia/Shanghai), whatever the browser's.
export const DISTRICT_TZ = 'Asia/Shanghai'

export function formatDateTime(value: string | Date, locale: string, timeZone = DISTRICT_TZ): string {
  const date = typeof value === 'string' ? new Date(value) : value
  if (Number.isNaN(date.getTime())) return String(value)
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(date)
}

/** A wall-clock time typed in the district ("2026-05-01T09:00:00") as an ISO instant with its offset. */
export function districtInstant(wallClock: string): string {
  return /[+-]\d\d:\d\d$|Z$/.test(wallClock) ? wallClock : `${wallClock}+08:00`
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
]

/**
 * A deadline relative to now ("in 3 hours", "2 days ago"): days from two days on, hours from two
 * hours on, else minutes. Null in, empty out.
 */
export function relativeTime(value: string | null | undefined, locale: string, now: number = Date.now()): string {
  if (!value) return ''
  const at = Date.parse(value)
  if (Number.isNaN(at)) return ''
  const diff = at - now
  const abs = Math.abs(diff)
  const fmt = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })
  for (const [unit, ms] of UNITS) {
    if (abs >= 2 * ms || unit === 'minute') return fmt.format(Math.round(diff / ms), unit)
  }
  return ''
}

/** The catalogue lookup the phrases below need (vue-i18n's `t` with a plural count). */
export type Translate = (key: string, named: Record<string, unknown>, plural: number) => string

const HOUR = 3_600_000
const DAY = 24 * HOUR

function span(ms: number): ['day' | 'hour' | 'minute', number] {
  // Whole units, rounded down: "还剩2天" while two full days remain, "已超期65天" after 65 full days.
  if (ms >= DAY) return ['day', Math.floor(ms / DAY)]
  if (ms >= HOUR) return ['hour', Math.floor(ms / HOUR)]
  return ['minute', Math.max(1, Math.floor(ms / 60_000))]
}

/**
 * A deadline as people say it: "还剩3小时" / "3 hours left" before it, "已超期65天" / "65 days
 * overdue" after it (never "65天前", which reads as when something happened). Calendar time, not
 * working days: the server's deadline already counts only working time. Null in, empty out.
 */
export function deadlineText(value: string | null | undefined, t: Translate, now: number = Date.now()): string {
  if (!value) return ''
  const at = Date.parse(value)
  if (Number.isNaN(at)) return ''
  const diff = at - now
  if (Math.abs(diff) < 60_000) return t('relTime.dueNow', {}, 1)
  const [unit, n] = span(Math.abs(diff))
  return t(`relTime.${diff > 0 ? 'left' : 'overdue'}.${unit}`, { n }, n)
}

/** How long ago something happened: "3天前" / "3 days ago", "刚刚" / "just now" within a minute. */
export function agoText(value: string | null | undefined, t: Translate, now: number = Date.now()): string {
  if (!value) return ''
  const at = Date.parse(value)
  if (Number.isNaN(at)) return ''
  const diff = now - at
  if (diff < 60_000) return t('relTime.justNow', {}, 1)
  const [unit, n] = span(diff)
  return t(`relTime.ago.${unit}`, { n }, n)
}
