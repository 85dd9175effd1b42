// Counting cases on the client (the case map): by grid, by status, by category; and a colour scale.

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
