import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '../src/i18n/zh-CN'
import { bodyFromForm, districtNow, emptyForm, explainDryRun, formFromRule, ruleSummary, type DryRun, type Names, type Rule } from '../src/lib/routingRules'
import { closeRing, openRing } from '../src/lib/polygon'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } })
const t = (key: string, params?: Record<string, unknown>) => i18n.global.t(key, params ?? {})

const names: Names = {
  category: (id) => ({ 7: '市容环境/占道经营' })[id],
  area: (id) => ({ 3: { name: '下沙街道', level: 'street' }, 9: { name: '金沙1号网格', level: 'grid' } })[id],
  department: (id) => ({ 11: '下沙街道综合行政执法中队', 12: '城市管理局', 13: '生态环境分局' })[id],
}

function rule(overrides: Partial<Rule> = {}): Rule {
  return {
    id: 1, key: 4, version: 2, current: true, retired: false, position: 10, name: '下沙占道',
    category_id: null, area_id: null, request_types: [], channels: [], urgencies: [], keywords: [], polygon: null,
    day_kind: '', office_time: '', time_from: null, time_to: null, target: 'department', owner_ids: [], lead_department_id: 11, co_handler_ids: [],
    deadline_profile_id: null, created_at: '2026-12-01T08:00:00+08:00', ...overrides,
  }
}

describe('a rule in words', () => {
  it('reads its conditions in the order they are tried, then the lead department', () => {
    const r = rule({ category_id: 7, area_id: 3, keywords: ['噪音'], time_from: '22:00:00', time_to: '06:00:00' })
    expect(ruleSummary(r, names, t)).toBe('类别: 市容环境/占道经营 · 街道: 下沙街道 · 22:00–06:00 · 关键词: 噪音 → 下沙街道综合行政执法中队')
  })

  it('names a grid as a grid, the day and office conditions, and lists in Chinese', () => {
    const r = rule({ area_id: 9, day_kind: 'non_working', office_time: 'out', channels: ['hotline', 'wechat'], urgencies: ['urgent'] })
    expect(ruleSummary(r, names, t)).toBe('网格: 金沙1号网格 · 非工作日（周末、节假日） · 办公时间外 · 渠道: 12345热线、微信公众号 · 紧急程度: 紧急 → 下沙街道综合行政执法中队')
  })

  it('says so when a rule sets no condition at all', () => {
    expect(ruleSummary(rule({ lead_department_id: 12 }), names, t)).toBe('所有案件 → 城市管理局')
  })
})

describe('the edit form and the request body', () => {
  it('sends the deepest area picked, the window as HH:mm, trimmed unique keywords, no lead among co-handlers', () => {
    const form = { ...emptyForm(30), name: ' 夜间噪音 ', categoryId: 7, areaPath: [3, 5, 9], keywords: [' 噪音 ', '噪音', '', '扰民'], timeWindow: ['22:00', '06:00'] as [string, string], leadDepartmentId: 11, coHandlerIds: [11, 13], dayKind: 'working' as const }
    const body = bodyFromForm(form)
    expect(body).toMatchObject({ name: '夜间噪音', position: 30, category_id: 7, area_id: 9, keywords: ['噪音', '扰民'], time_from: '22:00', time_to: '06:00', lead_department_id: 11, co_handler_ids: [13], day_kind: 'working', office_time: '', polygon: null, retired: false })
  })

  it('clears the area and the window when none is picked', () => {
    const body = bodyFromForm({ ...emptyForm(), name: 'x', leadDepartmentId: 12 })
    expect([body.area_id, body.time_from, body.time_to, body.category_id]).toEqual([null, null, null, null])
  })

  it('round-trips a stored rule through the form', () => {
    const polygon = { type: 'Polygon', coordinates: [[[120.3, 30.2], [120.4, 30.2], [120.4, 30.3], [120.3, 30.2]]] }
    const r = rule({ category_id: 7, area_id: 9, polygon, keywords: ['噪音'], time_from: '22:00:00', time_to: '06:00:00', co_handler_ids: [13], deadline_profile_id: 2 })
    const body = bodyFromForm(formFromRule(r, [3, 5, 9]))
    expect(body).toMatchObject({ category_id: 7, area_id: 9, polygon, keywords: ['噪音'], time_from: '22:00', time_to: '06:00', co_handler_ids: [13], deadline_profile_id: 2, position: 10 })
  })

  it('closes and opens polygon rings', () => {
    expect(closeRing([[1, 1], [2, 1], [2, 2]])).toEqual([[1, 1], [2, 1], [2, 2], [1, 1]])
    expect(openRing([[1, 1], [2, 1], [2, 2], [1, 1]])).toEqual([[1, 1], [2, 1], [2, 2]])
    expect(closeRing([])).toEqual([])
  })
})

describe('the dry run in words', () => {
  const miss = rule({ key: 2, name: '夜间噪音', keywords: ['噪音'], category_id: 7, lead_department_id: 13 })
  const won = rule({ key: 4, version: 2, category_id: 7, area_id: 3 })
  const rules = new Map([[2, miss], [4, won]])
  const base: DryRun = { lead_department_id: 11, lead_department_name: '下沙街道综合行政执法中队', co_handler_ids: [], rule_id: 1, rule_key: 4, rule_version: 2, reason: '', street_id: 3, community_id: null, grid_id: null, trials: [] }

  it('names the rule, its department and the conditions that held, and why the ones before failed', () => {
    const result = { ...base, trials: [
      { rule_key: 2, rule_version: 1, name: '夜间噪音', position: 5, lead_department_name: '生态环境分局', held: ['category'], failed: 'keywords' },
      { rule_key: 4, rule_version: 2, name: '下沙占道', position: 10, lead_department_name: '下沙街道综合行政执法中队', held: ['category', 'area'], failed: null },
    ] }
    const { answer, misses } = explainDryRun(result, rules, names, t)
    expect(answer).toBe('规则 4（第 2 版）：下沙占道 → 下沙街道综合行政执法中队，因为 类别: 市容环境/占道经营、街道: 下沙街道')
    expect(misses).toEqual(['规则 2「夜间噪音」未命中：关键词: 噪音 不满足'])
  })

  it('falls back to the category default, or says that nobody is found', () => {
    const fallback = { ...base, rule_id: null, rule_key: null, rule_version: null, lead_department_name: '城市管理局', trials: [] }
    expect(explainDryRun(fallback, rules, names, t).answer).toBe('没有规则命中：按类别默认部门 → 城市管理局')
    expect(explainDryRun({ ...fallback, lead_department_id: null, lead_department_name: null }, rules, names, t).answer).toContain('需要派遣员人工指定')
  })
})

describe('the dry run time', () => {
  it('starts at the district wall clock whatever the browser zone', () => {
    expect(districtNow(new Date('2026-12-01T22:30:05Z'))).toBe('2026-12-02T06:30:05')
  })
})
