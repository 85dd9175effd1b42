import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import CategoryPicker from '../src/components/CategoryPicker.vue'
import { i18n } from '../src/i18n'
import { forgetReferenceData } from '../src/lib/refdata'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms))
const plugins = [ElementPlus, i18n]

afterEach(() => {
  vi.unstubAllGlobals()
  forgetReferenceData()
  document.body.innerHTML = ''
})

const base = { parent_id: 2, level: 3, retired: false, priority: 'normal', is_leaf: true }
const HITS = [
  {
    ...base, id: 21, code: 'DCM-P-0128', name: '路灯不亮', path_name: '城市管理部件 / 公用设施 / 路灯不亮',
    pinyin_initials: 'csglbj/gyss/ldbl', pinyin_words: 'ld bl', pinyin_full: 'ludengbuliang',
    pinyin_syllables: ['lu', 'deng', 'bu', 'liang'], scheme: 'city_management',
  },
  {
    ...base, id: 22, code: '05.01.001', name: '不良资产', path_name: '经济管理 / 金融 / 不良资产',
    pinyin_initials: 'jjgl/jr/blzc', pinyin_words: 'bl zc', pinyin_full: 'buliangzichan',
    pinyin_syllables: ['bu', 'liang', 'zi', 'chan'], scheme: '12345',
  },
]

async function typeInto(prefer?: 'city_management' | '12345') {
  const urls: string[] = []
  vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
    urls.push(req.url)
    return new URL(req.url, 'http://x').pathname.endsWith('/search') ? json(200, HITS) : json(200, [])
  }))
  const wrapper = mount(CategoryPicker, { props: { modelValue: null, prefer }, global: { plugins }, attachTo: document.body })
  await wrapper.find('input[data-test="category-search"], [data-test="category-search"] input').setValue('bl')
  await wait(200)
  await flushPromises()
  return { wrapper, search: new URL(urls.find((u) => u.includes('/search'))!, 'http://x') }
}

describe('category picker and the 数字城管 classification', () => {
  it('asks for the preferred scheme and marks the matched word of each hit', async () => {
    const { wrapper, search } = await typeInto('city_management')
    expect(search.searchParams.get('prefer')).toBe('city_management')
    expect(search.searchParams.get('q')).toBe('bl')
    const hits = wrapper.findAll('.hit')
    expect(hits.map((h) => h.findAll('mark').map((m) => m.text()))).toEqual([['不亮'], ['不良']])
    // Only the city-management hit carries the badge, in Chinese by default.
    expect(hits[0]!.find('[data-test="category-hit-scheme"]').text()).toBe('数字城管')
    expect(hits[1]!.find('[data-test="category-hit-scheme"]').exists()).toBe(false)
  })

  it('leaves the preference to the server when none is given', async () => {
    const { search } = await typeInto()
    expect(search.searchParams.has('prefer')).toBe(false)
  })
})

describe('the handling standard of a picked 数字城管 category', () => {
  it('shows the filing condition and the limit in working hours', async () => {
    const profile = {
      id: 5, code: 'DCM-P-0128', name: '数字城管部件·路灯', accept_hours: 1, handle_days: 3, callback_days: 1,
      urgent_accept_hours: 0.5, urgent_handle_days: 1, handle_hours: 24, urgent_handle_hours: 4,
      filing_condition: '灯不亮、白天亮灯', closing_condition: '亮灯正常', source: 'GB/T 30428.2-2013', active: true,
    }
    const detailUrls: string[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      const path = new URL(req.url, 'http://x').pathname
      if (path.endsWith('/search')) return json(200, HITS)
      if (path.endsWith('/categories/21')) {
        detailUrls.push(path)
        return json(200, { ...HITS[0], effective_profile: profile, effective_lead_department: null })
      }
      return json(200, [])
    }))
    const wrapper = mount(CategoryPicker, { props: { modelValue: null, 'onUpdate:modelValue': (id: number | null) => wrapper.setProps({ modelValue: id }) }, global: { plugins }, attachTo: document.body })
    const input = wrapper.find('input[data-test="category-search"], [data-test="category-search"] input')
    await input.setValue('ld')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    await flushPromises()
    expect(detailUrls).toHaveLength(1)
    const standard = wrapper.find('[data-test="category-standard"]')
    expect(standard.text()).toContain('立案条件灯不亮、白天亮灯')
    expect(standard.text()).toContain('24 个工作小时（紧急 4 个工作小时）')
  })

  it('asks nothing for a 12345 category', async () => {
    const urls: string[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      urls.push(new URL(req.url, 'http://x').pathname)
      return new URL(req.url, 'http://x').pathname.endsWith('/search') ? json(200, [HITS[1]]) : json(200, [])
    }))
    const wrapper = mount(CategoryPicker, { props: { modelValue: null, 'onUpdate:modelValue': (id: number | null) => wrapper.setProps({ modelValue: id }) }, global: { plugins }, attachTo: document.body })
    const input = wrapper.find('input[data-test="category-search"], [data-test="category-search"] input')
    await input.setValue('bl')
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual([22])
    expect(urls.some((u) => u.endsWith('/categories/22'))).toBe(false)
    expect(wrapper.find('[data-test="category-standard"]').exists()).toBe(false)
  })
})
