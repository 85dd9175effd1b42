import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import ActionDialog from '../src/components/ActionDialog.vue'
import { i18n } from '../src/i18n'
import { forgetReferenceData } from '../src/lib/refdata'
import { createDistrictMap, declutter } from '../src/lib/districtMap'
import { ageLabel, chunks, firstLine, ruleLabel } from '../src/lib/dispatchQueue'
import { dueLabel } from '../src/lib/dispatchPreview'

const t = i18n.global.t as (key: string, values?: Record<string, unknown>) => string
const plugins = [ElementPlus, i18n]

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

afterEach(() => {
  vi.unstubAllGlobals()
  forgetReferenceData()
  document.body.innerHTML = ''
})

describe('map labels', () => {
  it('keep the first of two overlapping names and every name that stands apart', () => {
    const street = { x: 100, y: 100, w: 60, h: 16 }
    const touching = { x: 150, y: 105, w: 80, h: 14 }
    const apart = { x: 300, y: 100, w: 80, h: 14 }
    expect(declutter([street, touching, apart])).toEqual([true, false, true])
    // The gap counts: 2 px apart is too close with the default gap, fine with none.
    const near = { x: 162, y: 100, w: 40, h: 16 }
    expect(declutter([street, near])).toEqual([true, false])
    expect(declutter([street, near], 0)).toEqual([true, true])
    // A name without a box (cut by the edge, not drawn) is never shown and blocks nothing.
    expect(declutter([null, street])).toEqual([false, true])
  })

  it('are drawn on a map whose zoom buttons and credit line are in Chinese', () => {
    const el = document.createElement('div')
    document.body.appendChild(el)
    const m = createDistrictMap(el)
    m.setView([30.3, 120.4], 11)
    expect(el.querySelector('.leaflet-control-zoom-in')?.getAttribute('title')).toBe('放大')
    expect(el.querySelector('.leaflet-control-zoom-out')?.getAttribute('title')).toBe('缩小')
    const credit = el.querySelector('.leaflet-control-attribution')?.textContent ?? ''
    expect(credit).toContain('自有边界数据')
    expect(credit).not.toContain('Leaflet')
    m.remove()
  })
})

describe('dispatch queue rows', () => {
  const now = Date.parse('2026-12-02T10:00:00+08:00')

  it('say how long a case has waited, in hours first and then in days', () => {
    expect(ageLabel('2026-12-02T07:00:00+08:00', 'zh-CN', t, now)).toBe('3小时前登记')
    expect(ageLabel('2026-11-30T09:00:00+08:00', 'zh-CN', t, now)).toBe('已等待2天')
    expect(ageLabel('2026-12-02T09:59:30+08:00', 'zh-CN', t, now)).toBe('刚刚登记')
    expect(ageLabel('not a date', 'zh-CN', t, now)).toBe('')
  })

  it('show the first line of the text and the rule that decided, or that none did', () => {
    expect(firstLine('\n  小区门口占道经营\n油烟扰民')).toBe('小区门口占道经营')
    expect(firstLine('很'.repeat(100), 10)).toBe(`${'很'.repeat(9)}…`)
    const base = { number: 'N1', lead_department_id: 3, lead_department_name: '城管局', reason: '' }
    expect(ruleLabel({ ...base, rule_key: 7, rule_name: '金沙占道归街道' }, t)).toBe('规则 7：金沙占道归街道')
    expect(ruleLabel({ ...base, rule_key: null, rule_name: null }, t)).toBe('无规则命中')
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
  })
})

const CASE = {
  number: '330114-20261202-00007', status: 'to_dispatch', version: 2, request_type: 'complaint', channel: 'hotline',
  urgency: 'normal', warning_level: 'green', category_id: 11, category_name: '占道经营', lead_department_id: null,
  lead_department_name: null, street_id: 2, grid_id: 5, address: '下沙街道金沙路1号', description: '占道经营',
  created_at: '2026-12-02T01:00:00Z', external_ref: '', lng: 120.36, lat: 30.26, community_id: 4, h3_r9: '',
  routing_rule_id: null, routing_rule_version: null, routing_reason: '', callback_result: '', merged_into: null,
  return_count: 0, rework_count: 0, reopen_count: 0, extension_count: 0, extension_days: 0, closed_at: null,
  reporters: [], tasks: [], deadlines: [], allowed_actions: ['dispatch'],
}
const stage = (due_at: string, rule: string, amount: number) => ({
  due_at,
  rule,
  working_hours: rule === 'working_hours' ? amount : null,
  working_days: rule === 'working_days' ? amount : null,
  explanation: '2026-12-03（周四）09:00登记',
  warnings: [],
})
const PREVIEW = {
  lead_department_id: 3, lead_department_name: '城管局', rule_key: null, rule_name: null, reason: '', urgency: 'normal',
  accept: stage('2026-12-03T02:30:00Z', 'working_hours', 2),
  handle: stage('2026-12-17T09:30:00Z', 'working_days', 10),
}

describe('dispatch dialog', () => {
  it('writes both deadlines the dispatch will set, with their working time', () => {
    expect(dueLabel(PREVIEW.accept, 'zh-CN', t)).toBe('12月3日 10:30（2个工作小时）')
    expect(dueLabel(PREVIEW.handle, 'zh-CN', t)).toBe('12月17日（10个工作日）')
  })

  it('asks for the deadlines of the department chosen, and again when the dispatcher picks another', async () => {
    const asked: URL[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        const url = new URL(req.url, 'http://x')
        if (url.pathname.endsWith('/dispatch-preview')) {
          asked.push(url)
          return json(200, url.searchParams.get('lead_department_id') === '9' ? { ...PREVIEW, accept: null } : PREVIEW)
        }
        if (url.pathname.endsWith('/org/departments')) {
          return json(200, [
            { id: 3, name: '城管局', kind: 'bureau', active: true },
            { id: 9, name: '下沙街道', kind: 'street', active: true },
          ])
        }
        if (url.pathname.endsWith('/routing/dry-run')) {
          return json(200, { lead_department_id: 3, lead_department_name: '城管局', co_handler_ids: [], rule_id: null, rule_key: null, rule_version: null, reason: '类别默认', trials: [] })
        }
        return json(200, [])
      }),
    )
    const wrapper = mount(ActionDialog, {
      props: { case: CASE as any, action: 'dispatch', modelValue: false },
      global: { plugins, stubs: { transition: false } },
      attachTo: document.body,
    })
    await wrapper.setProps({ modelValue: true })
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    const box = () => document.querySelector('[data-test="dispatch-deadlines"]')?.textContent ?? ''
    expect(box()).toContain('签收时限：12月3日 10:30（2个工作小时）')
    expect(box()).toContain('办结时限：12月17日（10个工作日）')
    expect(asked.at(-1)?.searchParams.get('lead_department_id')).toBe('3')

    ;(wrapper.vm as any).$.setupState.form.lead_department_id = 9
    await flushPromises()
    await new Promise((r) => setTimeout(r, 20))
    await flushPromises()
    expect(asked.at(-1)?.searchParams.get('lead_department_id')).toBe('9')
    expect(box()).toContain('无签收环节')
  })
})
