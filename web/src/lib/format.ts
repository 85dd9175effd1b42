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
