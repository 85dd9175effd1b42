import { describe, expect, it, vi } from 'vitest'
import { areaQuery, casesLink, listen, openQuery, pct, range, signed, splitCurrent } from '../src/lib/dashboard'

describe('dashboard links', () => {
  it('send each number to the case list of its area, dates and filters', () => {
    expect(areaQuery({ level: 'district', id: null })).toEqual({})
    expect(areaQuery({ level: 'community', id: 7 })).toEqual({ community_id: '7' })
    const link = casesLink({ level: 'street', id: 3 }, { ...openQuery(), warning_level: 'red', ...range('2026-12-01', '2026-12-03') })
    expect(link.path).toBe('/console/cases')
    expect(link.query.street_id).toBe('3')
    expect(link.query.warning_level).toBe('red')
    expect(link.query.status).toContain('in_progress')
    expect(link.query.status).not.toContain('closed')
    expect(link.query.created_from).toBe('2026-12-01')
  })

  it('write shares and changes readably, and a dash when there is no base', () => {
    expect(pct(12.345)).toBe('12.3%')
    expect(pct(null)).toBe('—')
    expect(signed(5)).toBe('+5.0%')
    expect(signed(-2.5)).toBe('−2.5%')
    expect(signed(null)).toBeNull()
  })
})

class FakeSource {
  static instances: FakeSource[] = []
  static CLOSED = 2
  readyState = 1
  listeners: Record<string, ((e: unknown) => void)[]> = {}
  constructor(public url: string) {
    FakeSource.instances.push(this)
  }
  addEventListener(name: string, fn: (e: unknown) => void) {
    ;(this.listeners[name] ??= []).push(fn)
  }
  emit(name: string, e: unknown = {}) {
    for (const fn of this.listeners[name] ?? []) fn(e)
  }
  close() {
    this.readyState = 2
  }
}

describe('the change stream', () => {
  it('hands each announced version on, says when it is live, and opens again after a refusal', () => {
    vi.useFakeTimers()
    vi.stubGlobal('EventSource', FakeSource)
    const changes: number[] = []
    const states: boolean[] = []
    const stop = listen(() => 41, { onChange: (v) => changes.push(v), onState: (s) => states.push(s) })
    const first = FakeSource.instances[0]!
    expect(first.url).toContain('version=41')
    first.emit('open')
    first.emit('change', { data: JSON.stringify({ version: 42 }) })
    expect(changes).toEqual([42])
    first.readyState = 2
    first.emit('error')
    expect(states).toEqual([true, false])
    vi.advanceTimersByTime(3000)
    expect(FakeSource.instances).toHaveLength(2)
    stop()
    expect(FakeSource.instances[1]!.readyState).toBe(2)
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })
})

describe('the trend', () => {
  it('draws the current month apart, joined to the last whole month', () => {
    expect(splitCurrent([5, 7, 9, 2])).toEqual({ whole: [5, 7, 9, null], current: [null, null, 9, 2] })
    expect(splitCurrent([3])).toEqual({ whole: [null], current: [3] })
  })
})
