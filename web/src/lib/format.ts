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
