import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import EvaluationView from '../src/views/EvaluationView.vue'
import { i18n } from '../src/i18n'
import { me } from '../src/session'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const global = { plugins: [ElementPlus, i18n], stubs: { RouterLink: RouterLinkStub } }

const rate = (num: number, den: number) => ({ value: den ? num / den : null, num, den })
const INDICATORS = [
  { code: 'handling_rate', name: '处置率', kind: 'rate', duty: 'lead', numerator: '已处置的主办任务', denominator: '应处置的主办任务', better: 'high', exclusions: '', working_days: '', unit: '%' },
  { code: 'satisfaction', name: '满意率', kind: 'rate', duty: 'lead', numerator: '满意或基本满意', denominator: '有回访结果的', better: 'high', exclusions: '', working_days: '', unit: '%' },
  { code: 'notices', name: '收到督办单数', kind: 'count', duty: 'department', numerator: '督办单', denominator: null, better: 'low', exclusions: '', working_days: '', unit: '件' },
]
const row = (id: number, name: string, rank: number | null, score: number, grade: string, handled: [number, number]) => ({
  department_id: id,
  department: name,
  kind: 'bureau',
  sample: handled[1],
  ranked: rank != null,
  rank,
  score,
  grade,
  points: { handling_rate: score },
  values: { handling_rate: rate(...handled), satisfaction: rate(1, 2), notices: { value: 0, num: 0, den: null } },
})
const MONTH = (status: 'draft' | 'published') => ({
  month: '2026-10-01',
  status,
  version: status === 'published' ? 1 : null,
  data_as_of: '2026-11-01T01:00:00Z',
  published_at: status === 'published' ? '2026-11-01T01:00:00Z' : null,
  published_by: status === 'published' ? '督办员' : '',
  reason: '',
  scheme: { version: 0, valid_from: null, items: [{ indicator: 'handling_rate', weight: 100, transform: 'rate' }], grades: [['A', 90], ['E', 0]], min_sample: 5, note: '' },
  rows: [row(7, '城管局', 1, 80, 'B', [8, 10]), row(9, '环保局', null, 50, '', [1, 2])],
  roles: { operators: [], dispatchers: [], inspectors: [], centre: { registered: 30, answered_at_intake: 6, first_contact_rate: 0.2 } },
  versions: status === 'published' ? [{ version: 1, published_at: '2026-11-01T01:00:00Z', published_by: '督办员', reason: '' }] : [],
})

afterEach(() => {
  vi.unstubAllGlobals()
  me.value = null
})

describe('the department evaluation screen', () => {
  it('ranks the departments, opens the cases behind a figure and publishes the month', async () => {
    me.value = { username: 'supervisor', full_name: '督办员', roles: ['supervisor'], permissions: { 'evaluation.publish': 'jurisdiction' } } as never
    const asked: string[] = []
    let published = false
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        const url = new URL(req.url)
        asked.push(`${req.method} ${url.pathname}${url.search}`)
        if (url.pathname === '/api/v1/evaluation/indicators') return json(200, INDICATORS)
        if (url.pathname.endsWith('/publish')) {
          published = true
          return json(201, MONTH('published'))
        }
        if (url.pathname.endsWith('/cases'))
          return json(200, {
            indicator: INDICATORS[0],
            part: url.searchParams.get('part'),
            total: 8,
            visible: 8,
            cases: [{ id: 3, number: '330114-20261003-00001', category: '占道经营', status: 'closed', status_label: '已结案', lead_department: '城管局', created_at: '2026-10-03T02:00:00Z', closed_at: null, handling_days: null, description: '' }],
          })
        if (url.pathname.startsWith('/api/v1/evaluation/months/')) return json(200, MONTH(published ? 'published' : 'draft'))
        return json(200, [])
      }),
    )
    const wrapper = mount(EvaluationView, { global, attachTo: document.body })
    await flushPromises()
    const table = wrapper.get('[data-test="evaluation-ranking"]')
    expect(table.text()).toContain('城管局')
    expect(table.text()).toContain('80.0%') // 8 of 10 handled
    expect(table.text()).toContain('8/10')
    expect(table.text()).toContain('样本不足，不排名')
    expect(wrapper.get('[data-test="evaluation-status"]').text()).toContain('草稿')

    await wrapper.get('[data-test="figure-7-handling_rate"]').trigger('click')
    await flushPromises()
    expect(asked.some((a) => a.includes('/cases?') && a.includes('department_id=7') && a.includes('indicator=handling_rate'))).toBe(true)
    expect(document.body.textContent).toContain('共 8 件，你可查看 8 件')
    const link = wrapper.findAllComponents(RouterLinkStub).find((l) => String(l.props('to')).includes('330114-20261003-00001'))
    expect(link?.props('to')).toBe('/console/case/330114-20261003-00001')

    await wrapper.get('[data-test="evaluation-publish"]').trigger('click')
    await flushPromises()
    ;(document.querySelector('[data-test="evaluation-confirm"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(asked.find((a) => a.startsWith('POST'))).toMatch(/\/publish$/)
    expect(wrapper.get('[data-test="evaluation-status"]').text()).toContain('已通报 第 1 版')
    wrapper.unmount()
  }, 30000)
})
