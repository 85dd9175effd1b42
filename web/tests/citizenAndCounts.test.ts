import { describe, expect, it } from 'vitest'
import { countsById, gridStyle, legendSteps, maxCount, totalOf, type AreaCount } from '../src/lib/aggregate'
import { relativeTime } from '../src/lib/format'

// The citizen form's tests moved with the portal to tests/citizen.test.ts.
const area = (area_id: number, count: number, yellow = 0, red = 0): AreaCount => ({ area_id, code: `g${area_id}`, name: `网格${area_id}`, count, yellow, red })

describe('grid colouring from server counts', () => {
  const rows = [area(1, 40, 3, 2), area(2, 10, 1, 0), area(3, 1)]

  it('fills by the share of the busiest grid and leaves empty grids pale', () => {
    const max = maxCount(rows)
    expect(max).toBe(40)
    const byId = countsById(rows)
    expect(gridStyle(byId.get(1), max).fillColor).toBe('#bd0026')
    expect(gridStyle(byId.get(2), max).fillColor).toBe('#fecc5c')
    expect(gridStyle(byId.get(3), max).fillColor).toBe('#ffffb2')
    const empty = gridStyle(byId.get(99), max)
    expect(empty.fillColor).toBe('#ffffff')
    expect(empty.fillOpacity).toBeLessThan(0.1)
  })

  it('outlines grids holding red cases in red, yellow ones in amber', () => {
    const byId = countsById(rows)
    expect(gridStyle(byId.get(1), 40).color).toBe('#d03050')
    expect(gridStyle(byId.get(2), 40).color).toBe('#e6a23c')
    expect(gridStyle(byId.get(3), 40).color).toBe('#7a8ca3')
  })

  it('keeps the maximum at least one, and a legend of distinct steps', () => {
    expect(maxCount([])).toBe(1)
    expect(legendSteps(1)).toEqual([{ n: 1, color: '#bd0026' }])
    expect(legendSteps(40).map((s) => s.n)).toEqual([8, 16, 24, 32, 40])
    expect(totalOf(rows)).toBe(51)
  })
})

describe('relative deadlines', () => {
  const now = Date.parse('2026-12-01T00:00:00Z')
  it('says minutes, hours or days, ahead or past', () => {
    expect(relativeTime('2026-12-01T00:30:00Z', 'en', now)).toBe('in 30 minutes')
    expect(relativeTime('2026-12-01T05:00:00Z', 'en', now)).toBe('in 5 hours')
    expect(relativeTime('2026-11-28T00:00:00Z', 'en', now)).toBe('3 days ago')
    expect(relativeTime(null, 'en', now)).toBe('')
    expect(relativeTime('2026-12-04T00:00:00Z', 'zh-CN', now)).toBe('3天后')
  })
})
