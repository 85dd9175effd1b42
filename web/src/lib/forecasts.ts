// 预测预警 (issue 13): the chart's rows from one forecast series, the figures as the table writes
// them, and where an alert's cases open. Pure: tested in tests/forecasts.test.ts.

export interface HistoryPoint {
  date: string
  count: number
}
export interface ForecastPoint {
  date: string
  value: number
  lower: number
  upper: number
}
export interface SeriesLike {
  history: HistoryPoint[]
  forecast: ForecastPoint[]
}

export interface ChartRows {
  labels: string[]
  history: (number | null)[]
  forecast: (number | null)[]
  // the band as ECharts draws it: an invisible lower edge and the width stacked on it
  lower: (number | null)[]
  width: (number | null)[]
  upper: (number | null)[]
}

/** A period's label on the axis: weeks by their Monday (11/09), months as 2026/10. */
export function periodLabel(date: string, freq: 'W' | 'M'): string {
  const [y, m, d] = date.split('-')
  return freq === 'M' ? `${y}/${m}` : `${m}/${d}`
}

/** History, then forecast on one axis; the forecast line starts at the last observed period so
 * that the two meet; the band covers the forecast periods. */
export function chartRows(s: SeriesLike, freq: 'W' | 'M'): ChartRows {
  const h = s.history.length
  const labels = [...s.history.map((p) => p.date), ...s.forecast.map((p) => p.date)].map((d) => periodLabel(d, freq))
  const pad = (n: number) => Array<number | null>(n).fill(null)
  const last = h ? s.history[h - 1]!.count : null
  return {
    labels,
    history: [...s.history.map((p) => p.count), ...pad(s.forecast.length)],
    forecast: [...pad(Math.max(h - 1, 0)), ...(h ? [last] : []), ...s.forecast.map((p) => p.value)],
    // the band opens from the last observed period (zero width there), like the forecast line
    lower: [...pad(Math.max(h - 1, 0)), ...(h ? [last] : []), ...s.forecast.map((p) => p.lower)],
    width: [...pad(Math.max(h - 1, 0)), ...(h ? [0] : []), ...s.forecast.map((p) => round1(p.upper - p.lower))],
    upper: [...pad(Math.max(h - 1, 0)), ...(h ? [last] : []), ...s.forecast.map((p) => p.upper)],
  }
}

function round1(v: number): number {
  return Math.round(v * 10) / 10
}

/** A MASE as the table shows it; a dash when the back-test could not score it. */
export function mase(v: number | null | undefined): string {
  return v == null ? '—' : v.toFixed(2)
}

/** Whether the forecast loses to (or only equals) the seasonal-naive baseline: the warning tag. */
export function losesBaseline(s: { beats_baseline: boolean }): boolean {
  return !s.beats_baseline
}

/** The case page of one of an alert's cases. */
export function caseLink(number: string): string {
  return `/console/case/${encodeURIComponent(number)}`
}

/** A p-value short enough to read: 3.2e-5 → "<0.0001". */
export function pValue(p: number): string {
  if (p < 0.0001) return '<0.0001'
  return p.toPrecision(2)
}
