import { describe, expect, it } from 'vitest'
import { compareUrgency, sortByUrgency } from '../src/lib/cases'
import { countBy, gridColor } from '../src/lib/aggregate'

const row = (number: string, warning_level: string, created_at: string, next_due_at?: string | null) => ({ number, warning_level, created_at, next_due_at })

describe('warning-level sorting', () => {
  it('puts red before yellow before green, and the oldest first within a colour', () => {
    const rows = [
      row('g-new', 'green', '2026-11-20T00:00:00Z'),
      row('y', 'yellow', '2026-11-25T00:00:00Z'),
      row('r-new', 'red', '2026-11-24T00:00:00Z'),
      row('g-old', 'green', '2026-11-01T00:00:00Z'),
      row('r-old', 'red', '2026-11-02T00:00:00Z'),
    ]
    expect(sortByUrgency(rows).map((r) => r.number)).toEqual(['r-old', 'r-new', 'y', 'g-old', 'g-new'])
    // the input is not reordered in place
    expect(rows[0]!.number).toBe('g-new')
  })

  it('uses a known deadline before the age, and an unknown colour goes last', () => {
    const a = row('a', 'yellow', '2026-11-01T00:00:00Z', '2026-12-05T00:00:00Z')
    const b = row('b', 'yellow', '2026-11-10T00:00:00Z', '2026-12-01T00:00:00Z')
    const c = row('c', 'yellow', '2026-10-01T00:00:00Z')
    expect(sortByUrgency([a, c, b]).map((r) => r.number)).toEqual(['b', 'a', 'c'])
    expect(compareUrgency(row('x', 'purple', '2026-01-01'), row('y', 'green', '2026-12-01'))).toBeGreaterThan(0)
  })

  it('sorts by next_due_at as instants (offsets differ), a stopped clock after a running one', () => {
    const rows = [
      row('stopped', 'red', '2026-10-01T00:00:00Z', null),
      row('later', 'red', '2026-11-01T00:00:00Z', '2026-12-01T10:00:00+08:00'),
      // 2026-12-01T01:30Z is 09:30 in Shanghai: sooner than "later" although the text sorts after it
      row('sooner', 'red', '2026-11-02T00:00:00Z', '2026-12-01T01:30:00Z'),
      row('green-due', 'green', '2026-11-03T00:00:00Z', '2026-11-20T00:00:00Z'),
      row('yellow', 'yellow', '2026-11-03T00:00:00Z', '2026-12-30T00:00:00Z'),
    ]
    expect(sortByUrgency(rows).map((r) => r.number)).toEqual(['sooner', 'later', 'stopped', 'yellow', 'green-due'])
  })
})

describe('case map counting', () => {
  it('counts by key and leaves out the unlocated', () => {
    const counts = countBy([{ g: 1 }, { g: 2 }, { g: 1 }, { g: null }], (x) => x.g)
    expect([...counts.entries()]).toEqual([[1, 2], [2, 1]])
  })
  it('colours a grid by its share of the busiest one', () => {
    expect(gridColor(0, 10)).toBe('#ffffff')
    expect(gridColor(10, 10)).toBe('#bd0026')
    expect(gridColor(1, 10)).toBe('#ffffb2')
  })
})
