import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import HotIssuesView from '../src/views/HotIssuesView.vue'
import { i18n } from '../src/i18n'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const global = { plugins: [ElementPlus, i18n], stubs: { RouterLink: RouterLinkStub } }

const ISSUES = [
  {
    rank: 1,
    heat: 4.37,
    title: '金沙湖小区东门垃圾堆放发臭',
    place: '金沙湖小区',
    start: '2026-11-20T02:00:00Z',
    end: '2026-12-05T09:30:00Z',
    size: 3,
    reporters: 2,
    numbers: ['330114-20261120-00001', '330114-20261201-00007', '330114-20261205-00003'],
    case_ids: [11, 17, 23],
    cases: [
      { id: 11, number: '330114-20261120-00001', created_at: '2026-11-20T02:00:00Z', excerpt: '金沙湖小区东门垃圾堆放发臭没人清运' },
      { id: 17, number: '330114-20261201-00007', created_at: '2026-12-01T03:00:00Z', excerpt: '东门垃圾又堆起来了' },
      { id: 23, number: '330114-20261205-00003', created_at: '2026-12-05T09:30:00Z', excerpt: '垃圾清运不及时' },
    ],
  },
  {
    rank: 2,
    heat: 2.1,
    title: '学林街夜间施工噪音',
    place: '',
    start: '2026-12-03T12:00:00Z',
    end: '2026-12-03T14:00:00Z',
    size: 2,
    reporters: 2,
    numbers: ['330114-20261203-00010', '330114-20261203-00011'],
    case_ids: [40, 41],
    cases: [
      { id: 40, number: '330114-20261203-00010', created_at: '2026-12-03T12:00:00Z', excerpt: '夜间施工噪音' },
      { id: 41, number: '330114-20261203-00011', created_at: '2026-12-03T14:00:00Z', excerpt: '工地半夜还在施工' },
    ],
  },
]

afterEach(() => vi.unstubAllGlobals())

describe('the hot issues screen', () => {
  it('lists the ranked issues, opens a row on its requests and asks again for another window', async () => {
    vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener() {}, removeEventListener() {} }))
    const asked: URL[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        const url = new URL(req.url)
        if (url.pathname === '/api/v1/hotspots/hot-issues') {
          asked.push(url)
          return json(200, url.searchParams.get('days') === '7' ? [] : ISSUES)
        }
        return json(200, [])
      }),
    )
    const wrapper = mount(HotIssuesView, { global, attachTo: document.body })
    await flushPromises()
    expect(asked[0]!.searchParams.get('days')).toBe('30')
    const table = wrapper.get('[data-test="hot-issues"]')
    expect(table.text()).toContain('金沙湖小区东门垃圾堆放发臭')
    expect(table.text()).toContain('4.37')
    expect(table.text()).toContain('2026-11-20 ~ 12-05') // the time span, in the district's days
    expect(table.text()).toContain('2026-12-03') // one day only
    expect(wrapper.get('[data-test="hot-formula"]').text()).not.toContain('ln(1+反映人数)')
    await wrapper.get('[data-test="hot-formula-toggle"]').trigger('click')
    expect(wrapper.get('[data-test="hot-formula"]').text()).toContain('1.0×ln(1+反映人数)')
    expect(wrapper.find('[data-test="hot-requests-1"]').exists()).toBe(false)

    await wrapper.get('[data-test="hot-title-1"]').trigger('click')
    await flushPromises()
    const requests = wrapper.get('[data-test="hot-requests-1"]')
    const links = requests.findAllComponents(RouterLinkStub)
    expect(links.map((l: { props: (k: string) => unknown }) => l.props('to'))).toEqual([
      '/console/case/330114-20261120-00001',
      '/console/case/330114-20261201-00007',
      '/console/case/330114-20261205-00003',
    ])
    expect(requests.text()).toContain('东门垃圾又堆起来了')
    expect(requests.text()).toContain('其中的诉求（3 件）')
    expect(wrapper.find('[data-test="hot-requests-2"]').exists()).toBe(false)

    await wrapper.get('[data-test="hot-window"]').findAll('input')[0]!.setValue(true)
    await flushPromises()
    expect(asked.at(-1)!.searchParams.get('days')).toBe('7')
    expect(wrapper.text()).toContain('该时间范围内没有热点问题')
    wrapper.unmount()
  })

  it('on a phone shows one card per issue and opens it on a tap', async () => {
    vi.stubGlobal('matchMedia', () => ({ matches: true, addEventListener() {}, removeEventListener() {} }))
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => json(200, new URL(req.url).pathname === '/api/v1/hotspots/hot-issues' ? ISSUES : [])))
    const wrapper = mount(HotIssuesView, { global, attachTo: document.body })
    await flushPromises()
    expect(wrapper.find('.el-table').exists()).toBe(false)
    expect(wrapper.get('[data-test="hot-issues"]').text()).toContain('3 件 · 2 人反映')
    await wrapper.get('[data-test="hot-title-2"]').trigger('click')
    expect(wrapper.get('[data-test="hot-requests-2"]').text()).toContain('工地半夜还在施工')
    expect(wrapper.find('[data-test="hot-requests-1"]').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('the case map layers of issue 12', () => {
  it('stay off until ticked, then draw the emerging cells with their legend and the clusters with their counts', async () => {
    vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener() {}, removeEventListener() {} }))
    const empty = { type: 'FeatureCollection', features: [] }
    const square = (x: number, y: number) => ({ type: 'Polygon', coordinates: [[[x, y], [x + 0.003, y], [x + 0.003, y + 0.003], [x, y + 0.003], [x, y]]] })
    const asked: string[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request | string) => {
        const url = new URL(typeof req === 'string' ? `http://localhost${req}` : req.url)
        asked.push(url.pathname + url.search)
        if (url.pathname === '/api/v1/hotspots/emerging')
          return json(200, {
            ...empty,
            cases: 40,
            slices: [],
            features: [{ type: 'Feature', id: '8831aa5b2dfffff', geometry: square(120.36, 30.26), properties: { cell: '8831aa5b2dfffff', category: 'new', trend: 'no trend', trend_p: 1, hot_share: 0.33, z_last: 3.2, counts: [0, 0, 9], total: 9 } }],
          })
        if (url.pathname === '/api/v1/hotspots/clusters')
          return json(200, {
            ...empty,
            cases: 30,
            truncated: false,
            features: [{ type: 'Feature', id: 1, geometry: square(120.4, 30.3), properties: { rank: 1, count: 12, centroid: [120.4015, 30.3015], radius_m: 180, top_category: '占道经营', top_category_count: 7, numbers: ['330114-20261201-00001', '330114-20261202-00002'], case_ids: [1, 2] } }],
          })
        if (url.pathname.endsWith('.geojson') || url.pathname.startsWith('/api/v1/gis/basemap')) return json(200, empty)
        return json(200, [])
      }),
    )
    const { default: CaseMapView } = await import('../src/views/CaseMapView.vue')
    const wrapper = mount(CaseMapView, { global, attachTo: document.body })
    await flushPromises()
    expect(asked.some((p) => p.startsWith('/api/v1/hotspots/'))).toBe(false) // off by default
    expect(wrapper.find('[data-test="map-emerging-legend"]').exists()).toBe(false)

    await wrapper.get('[data-test="map-emerging"] input').setValue(true)
    await wrapper.get('[data-test="map-clusters"] input').setValue(true)
    await flushPromises()
    expect(asked.find((p) => p.startsWith('/api/v1/hotspots/emerging'))).toContain('slice_days=30')
    expect(asked.find((p) => p.startsWith('/api/v1/hotspots/clusters'))).toContain('days=30')
    // the legend names the kinds on the map only
    expect(wrapper.get('[data-test="map-emerging-legend"]').text()).toBe('新出现')
    const label = wrapper.get('.zg-cluster-label')
    expect(label.text()).toBe('12')
    const cluster = wrapper.get('path.zg-cluster')
    cluster.element.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    await flushPromises()
    const side = wrapper.get('[data-test="case-map-side"]').text()
    expect(side).toContain('聚集区：12 件')
    expect(side).toContain('最多的分类：占道经营（7 件）')
    expect(wrapper.get('[data-test="map-cluster-cases"]').findAllComponents(RouterLinkStub).map((l: { props: (k: string) => unknown }) => l.props('to'))).toEqual([
      '/console/case/330114-20261201-00001',
      '/console/case/330114-20261202-00002',
    ])

    await wrapper.get('[data-test="map-clusters"] input').setValue(false)
    await flushPromises()
    expect(wrapper.find('path.zg-cluster').exists()).toBe(false)
    expect(wrapper.find('[data-test="map-cluster-cases"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
