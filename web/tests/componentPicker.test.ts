import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import { createI18n } from 'vue-i18n'
import ComponentPicker from '../src/components/ComponentPicker.vue'
import { i18n } from '../src/i18n'
import zhCN from '../src/i18n/zh-CN'
import { reportBody } from '../src/lib/field'
import { bodyFromForm, emptyForm, explainDryRun, formFromRule, ruleSummary, type DryRun, type Names, type Rule } from '../src/lib/routingRules'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const plugins = [ElementPlus, i18n]

const COVER = {
  id: 7, code: '330114010101000001', name: '金沙路1号污水井盖', category_id: 31, category_code: '0101', category_name: '污水井盖',
  state: 'damaged', state_label: '破损', owner_id: 12, owner_name: '城市管理局', maintainer_id: null, maintainer_name: '',
  lng: 120.36, lat: 30.26, address: '', retired: false, installed_on: null,
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('the component picker', () => {
  it('offers the components near the point, nearest first, and picks one with its type, owner and state', async () => {
    const urls: URL[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      urls.push(new URL(req.url, 'http://x'))
      return json(200, [{ ...COVER, distance_m: 12.4 }, { ...COVER, id: 8, code: '330114010101000002', state: 'normal', state_label: '完好', distance_m: 31 }])
    }))
    const wrapper = mount(ComponentPicker, { props: { modelValue: null, point: { lng: 120.36, lat: 30.26 } }, global: { plugins } })
    await flushPromises()
    const nearby = urls.find((u) => u.pathname.endsWith('/components/nearby'))!
    expect([nearby.searchParams.get('lng'), nearby.searchParams.get('lat'), nearby.searchParams.get('radius')]).toEqual(['120.36', '30.26', '50'])
    const hits = wrapper.findAll('[data-test^="component-hit-"]')
    expect(hits).toHaveLength(2)
    expect(hits[0]!.text()).toContain('污水井盖')
    expect(hits[0]!.text()).toContain('城市管理局')
    expect(hits[0]!.text()).toContain('破损')
    expect(hits[0]!.text()).toContain('12 米')
    await hits[0]!.trigger('click')
    expect(wrapper.emitted('update:modelValue')![0]![0]).toMatchObject({ id: 7 })
    expect(wrapper.emitted('picked')![0]![0]).toMatchObject({ code: COVER.code })
  })

  it('looks a typed code up and says so in Chinese when there is no such component', async () => {
    const asked: string[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      const path = new URL(req.url, 'http://x').pathname
      asked.push(path)
      return path.endsWith('/by-code/330114010101000001')
        ? json(200, COVER)
        : json(404, { error: { code: 'not_found', message: '未找到', details: {} } })
    }))
    const wrapper = mount(ComponentPicker, { props: { modelValue: null, point: null }, global: { plugins } })
    expect(wrapper.text()).toContain('先在地图上定位')
    await wrapper.find('input[data-test="component-code"], [data-test="component-code"] input').setValue('3301140199')
    await wrapper.find('input[data-test="component-code"], [data-test="component-code"] input').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(wrapper.find('[data-test="component-error"]').text()).toBe('没有编码为 3301140199 的城市部件')
    await wrapper.find('input[data-test="component-code"], [data-test="component-code"] input').setValue('330114010101000001')
    await wrapper.find('[data-test="component-look-up"]').trigger('click')
    await flushPromises()
    expect(asked).toContain('/api/v1/components/by-code/330114010101000001')
    expect(wrapper.emitted('update:modelValue')!.at(-1)![0]).toMatchObject({ id: 7 })
  })

  it('shows the chosen component and clears it', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(200, [])))
    const wrapper = mount(ComponentPicker, { props: { modelValue: COVER, point: null }, global: { plugins } })
    const chosen = wrapper.find('[data-test="component-chosen"]').text()
    expect(chosen).toContain(COVER.code)
    expect(chosen).toContain('权属单位：城市管理局')
    await wrapper.find('[data-test="component-clear"]').trigger('click')
    expect(wrapper.emitted('update:modelValue')![0]![0]).toBeNull()
  })
})

describe('a field report about a component', () => {
  it('sends the component, and no category when none was chosen', () => {
    const body = reportBody({ categoryId: null, componentId: 7, description: ' 井盖破损 ', address: '', fix: null, photos: [] })
    expect(body.get('component')).toBe('7')
    expect(body.has('category_id')).toBe(false)
  })
})

describe("routing to the component's owner", () => {
  const zh = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN } })
  const t = (key: string, params?: Record<string, unknown>) => zh.global.t(key, params ?? {})
  const names: Names = { category: () => undefined, area: () => undefined, department: (id) => ({ 12: '城市管理局', 13: '住建局' })[id] }
  const rule: Rule = {
    id: 1, key: 2, version: 1, current: true, retired: false, position: 10, name: '部件按权属派遣',
    category_id: null, area_id: null, request_types: [], channels: [], urgencies: [], keywords: [], polygon: null,
    day_kind: '', office_time: '', time_from: null, time_to: null, target: 'component_owner', owner_ids: [12, 13],
    lead_department_id: null, co_handler_ids: [], deadline_profile_id: null, created_at: '2026-12-01T08:00:00+08:00',
  }

  it('reads the rule in words and sends no lead department', () => {
    expect(ruleSummary(rule, names, t)).toBe('关联了城市部件 · 权属单位为城市管理局、住建局之一 → 部件权属单位')
    const body = bodyFromForm({ ...formFromRule(rule, []), leadDepartmentId: 12 })
    expect(body).toMatchObject({ target: 'component_owner', owner_ids: [12, 13], lead_department_id: null })
    expect(bodyFromForm({ ...emptyForm(), name: 'x', leadDepartmentId: 12 })).toMatchObject({ target: 'department', owner_ids: [], lead_department_id: 12 })
  })

  it('explains a miss because the owner could not lead', () => {
    const result: DryRun = {
      lead_department_id: 12, lead_department_name: '城市管理局', co_handler_ids: [], rule_id: null, rule_key: null, rule_version: null,
      reason: '', street_id: null, community_id: null, grid_id: null,
      trials: [{ rule_key: 2, rule_version: 1, name: '部件按权属派遣', position: 10, lead_department_name: '部件权属单位', held: ['component'], failed: 'component_owner' }],
    }
    const { misses } = explainDryRun(result, new Map([[2, rule]]), names, t)
    expect(misses[0]).toContain('权属单位为城市管理局、住建局之一')
  })
})
