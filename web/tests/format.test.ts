import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '../src/i18n/zh-CN'
import en from '../src/i18n/en'
import { agoText, deadlineText, type Translate } from '../src/lib/format'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
function tr(locale: 'zh-CN' | 'en'): Translate {
  return (key, named, n) => {
    i18n.global.locale.value = locale
    return i18n.global.t(key, named, n)
  }
}
const now = Date.parse('2026-12-01T00:00:00Z')
const at = (ms: number) => new Date(now + ms).toISOString()
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

describe('deadlines as people say them', () => {
  it.each([
    [65 * DAY + 5 * HOUR, '还剩65天', '65 days left'],
    [1 * DAY, '还剩1天', '1 day left'],
    [23 * HOUR + 59 * MIN, '还剩23小时', '23 hours left'],
    [3 * HOUR, '还剩3小时', '3 hours left'],
    [59 * MIN, '还剩59分钟', '59 minutes left'],
    [1 * MIN, '还剩1分钟', '1 minute left'],
    [10_000, '即将到期', 'due now'],
    [-30 * MIN, '已超期30分钟', '30 minutes overdue'],
    [-1 * HOUR, '已超期1小时', '1 hour overdue'],
    [-2 * DAY + HOUR, '已超期1天', '1 day overdue'],
    [-65 * DAY, '已超期65天', '65 days overdue'],
  ])('%d ms from now: %s / %s', (ms, zh, english) => {
    expect(deadlineText(at(ms), tr('zh-CN'), now)).toBe(zh)
    expect(deadlineText(at(ms), tr('en'), now)).toBe(english)
  })

  it('never says an overdue deadline happened "ago"', () => {
    expect(deadlineText(at(-65 * DAY), tr('zh-CN'), now)).not.toContain('前')
    expect(deadlineText(at(-65 * DAY), tr('en'), now)).not.toContain('ago')
  })

  it('leaves a missing or unreadable deadline empty', () => {
    expect(deadlineText(null, tr('zh-CN'), now)).toBe('')
    expect(deadlineText('not a time', tr('zh-CN'), now)).toBe('')
  })
})

describe('ages', () => {
  it.each([
    [-3 * DAY, '3天前', '3 days ago'],
    [-1 * DAY, '1天前', '1 day ago'],
    [-5 * HOUR, '5小时前', '5 hours ago'],
    [-2 * MIN, '2分钟前', '2 minutes ago'],
    [-10_000, '刚刚', 'just now'],
  ])('%d ms from now: %s / %s', (ms, zh, english) => {
    expect(agoText(at(ms), tr('zh-CN'), now)).toBe(zh)
    expect(agoText(at(ms), tr('en'), now)).toBe(english)
  })
})
