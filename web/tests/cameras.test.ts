import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import CamerasPanel from '../src/components/CamerasPanel.vue'
import { i18n } from '../src/i18n'

// The mini map draws with Leaflet; jsdom has no layout, so a bare Leaflet map stands in for the district's.
vi.mock('../src/lib/districtMap', async () => {
  const L = (await import('leaflet')).default
  return { createDistrictMap: (el: HTMLElement) => L.map(el) }
})

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const plugins = [ElementPlus, i18n]
const CASE = { number: '330114-20261127-00001', lng: 120.33, lat: 30.3, version: 3 }
const CAMS = [
  { id: 7, code: '33011400081326000007', name: '文泽路学林街口东向', lng: 120.3303, lat: 30.3, distance_m: 28.9, bearing: 90, direction: 270, fov: 60, range_m: 80, ptz: false, kind: 'bullet', online: true, last_heartbeat_at: null, stream_url: 'rtsp://10.0.0.7/ch1' },
  { id: 8, code: '33011400081326000008', name: '学林街球机', lng: 120.33, lat: 30.3006, distance_m: 66.7, bearing: 0, direction: 0, fov: 60, range_m: 120, ptz: true, kind: 'dome', online: false, last_heartbeat_at: '2026-11-27T01:00:00Z', stream_url: null },
]

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('cameras panel', () => {
  it('lists the cameras nearest first with where they stand, online state, and 查看视频 only with a stream', async () => {
    i18n.global.locale.value = 'zh-CN'
    vi.stubGlobal('fetch', vi.fn(async () => json(200, CAMS)))
    const wrapper = mount(CamerasPanel, { props: { caseItem: CASE, allowed: [] }, global: { plugins }, attachTo: document.body })
    await flushPromises()
    const rows = wrapper.findAll('li.cam')
    expect(rows.map((r) => r.find('.name').text())).toEqual(['文泽路学林街口东向', '学林街球机'])
    expect(rows[0].text()).toContain('位于案发点东方 29 米')
    expect(rows[0].text()).toContain('在线')
    expect(rows[1].text()).toContain('离线')
    expect(rows[1].text()).toContain('云台可转动')
    expect(rows[0].find('[data-test="camera-view"]').exists()).toBe(true)
    expect(rows[1].find('[data-test="camera-view"]').exists()).toBe(false)
    expect(wrapper.find('[data-test="camera-confirm"]').exists()).toBe(false)
  })

  it('视频确认 posts the camera and the case version, then tells the page', async () => {
    i18n.global.locale.value = 'zh-CN'
    const sent: { url: string; body: any }[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        if (req.method === 'POST') {
          sent.push({ url: new URL(req.url, 'http://x').pathname, body: await req.json() })
          return json(200, {})
        }
        return json(200, CAMS)
      }),
    )
    const wrapper = mount(CamerasPanel, { props: { caseItem: CASE, allowed: ['dispatch'] }, global: { plugins }, attachTo: document.body })
    await flushPromises()
    await wrapper.find('[data-test="camera-confirm"]').trigger('click')
    await flushPromises()
    const ok = document.querySelector('.el-message-box__btns .el-button--primary') as HTMLButtonElement
    expect(ok.textContent).toContain('确认并派遣')
    ok.click()
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()
    expect(sent).toEqual([{ url: `/api/v1/cases/${CASE.number}/video-confirm`, body: { camera_id: 7, note: '', expected_version: 3 } }])
    expect(wrapper.emitted('done')).toHaveLength(1)
  })

  it('says so when no camera sees the place', async () => {
    i18n.global.locale.value = 'zh-CN'
    vi.stubGlobal('fetch', vi.fn(async () => json(200, [])))
    const wrapper = mount(CamerasPanel, { props: { caseItem: CASE }, global: { plugins } })
    await flushPromises()
    expect(wrapper.find('[data-test="cameras-none"]').text()).toBe('附近没有能看到此处的摄像头')
  })
})
