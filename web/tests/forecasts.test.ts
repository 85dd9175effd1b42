import { describe, expect, it } from 'vitest'
import { caseLink, chartRows, losesBaseline, mase, periodLabel, pValue } from '../src/lib/forecasts'
import zhCN from '../src/i18n/zh-CN'
import { menuFor, type Person } from '../src/menu'

const series = {
  history: [
    { date: '2026-11-02', count: 30 },
    { date: '2026-11-09', count: 34 },
  ],
  forecast: [
    { date: '2026-11-16', value: 32, lower: 25.5, upper: 40 },
    { date: '2026-11-23', value: 31, lower: 23, upper: 41.2 },
  ],
}

describe('the forecast chart rows', () => {
  it('put history and forecast on one axis, line and band opening from the last observed week', () => {
    const rows = chartRows(series, 'W')
    expect(rows.labels).toEqual(['11/02', '11/09', '11/16', '11/23'])
    expect(rows.history).toEqual([30, 34, null, null])
    expect(rows.forecast).toEqual([null, 34, 32, 31])
    expect(rows.lower).toEqual([null, 34, 25.5, 23])
    expect(rows.width).toEqual([null, 0, 14.5, 18.2])
    // lower + width is the upper edge the band draws
    expect(rows.upper).toEqual([null, 34, 40, 41.2])
  })

  it('label months by year and month', () => {
    expect(periodLabel('2026-10-01', 'M')).toBe('2026/10')
    expect(chartRows({ history: [], forecast: [{ date: '2026-12-01', value: 1, lower: 0, upper: 3 }] }, 'M').forecast).toEqual([1])
  })
})

describe('the table and the alerts', () => {
  it('tag the series that do not beat the baseline and write the figures readably', () => {
    expect(losesBaseline({ beats_baseline: false })).toBe(true)
    expect(losesBaseline({ beats_baseline: true })).toBe(false)
    expect(zhCN.forecasts.losesBaseline).toBe('未优于基线')
    expect(mase(0.8123)).toBe('0.81')
    expect(mase(null)).toBe('—')
    expect(pValue(0.00003)).toBe('<0.0001')
    expect(pValue(0.00042)).toBe('0.00042')
  })

  it('open a case of an alert on its own page', () => {
    expect(caseLink('QT20261130-0007')).toBe('/console/case/QT20261130-0007')
  })

  it('show 预测预警 to leaders, supervisors, dispatchers and admins, not to handlers', () => {
    const p = (roles: string[]): Person => ({ roles, permissions: {} })
    for (const r of ['leader', 'supervisor', 'dispatcher', 'admin']) expect(menuFor(p([r])).map((i) => i.key)).toContain('forecasts')
    expect(menuFor(p(['handler'])).map((i) => i.key)).not.toContain('forecasts')
    expect(zhCN.menu.forecasts).toBe('预测预警')
  })
})
