import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import DuplicateSuggest from '../src/components/classification/DuplicateSuggest.vue'
import { i18n } from '../src/i18n'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const global = { plugins: [ElementPlus, i18n], stubs: { RouterLink: RouterLinkStub } }

afterEach(() => vi.unstubAllGlobals())

describe('the duplicate hint at intake', () => {
  it('sends the text, point, category and caller, and lists the likely duplicates with their reasons', async () => {
    const bodies: Record<string, unknown>[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      bodies.push(await req.json())
      return json(200, [
        { number: '330114-20261203-00001', status: 'dispatched', score: 0.91, duplicate: true, reasons: ['相距 38 米'], summary: '相距 38 米，相隔 2 天，文本相似度 0.81', description: '小区门口占道经营' },
      ])
    }))
    const wrapper = mount(DuplicateSuggest, { props: { text: '', point: null, category: null, phone: '', component: null }, global })
    await wrapper.setProps({ text: '小区门口占道经营油烟扰民', point: { lng: 120.36, lat: 30.26 }, category: 7, phone: '13812345678' })
    await new Promise((r) => setTimeout(r, 450))
    await flushPromises()
    expect(bodies.at(-1)).toMatchObject({ text: '小区门口占道经营油烟扰民', lng: 120.36, lat: 30.26, category_id: 7, phone: '13812345678', component_id: null })
    expect(wrapper.text()).toContain('330114-20261203-00001')
    expect(wrapper.text()).toContain('很可能重复 91%')
    expect(wrapper.text()).toContain('相距 38 米')
  })

  it('shows nothing when the check finds nothing or fails', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => json(500, { code: 'internal', message: 'x' })))
    const wrapper = mount(DuplicateSuggest, { props: { text: '', point: null, category: null, phone: '', component: null }, global })
    await wrapper.setProps({ text: '小区门口占道经营油烟扰民' })
    await new Promise((r) => setTimeout(r, 450))
    await flushPromises()
    expect(wrapper.find('[data-test="duplicate-suggest"]').exists()).toBe(false)
  })
})
