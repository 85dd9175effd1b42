import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import CategorySuggest from '../src/components/classification/CategorySuggest.vue'
import { i18n } from '../src/i18n'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const plugins = [ElementPlus, i18n]
const ANSWER = {
  model_version: 3,
  threshold: 0.4,
  confident: true,
  categories: [
    { id: 11, code: '0102', name: '市容环境/路灯不亮', confidence: 0.91 },
    { id: 12, code: '0103', name: '市容环境/垃圾清运', confidence: 0.06 },
  ],
  departments: [{ id: 5, name: '城管局', confidence: 0.88 }],
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

async function typed(props: { text: string; category: number | null }, answer: unknown) {
  const bodies: unknown[] = []
  vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
    bodies.push(await req.json())
    return json(200, answer)
  }))
  const wrapper = mount(CategorySuggest, { props: { text: '', category: props.category }, global: { plugins } })
  await wrapper.setProps({ text: props.text })
  await new Promise((r) => setTimeout(r, 350))
  await flushPromises()
  return { wrapper, bodies }
}

describe('the category suggestion at intake', () => {
  it('fills an empty category with a confident suggestion and shows the alternatives and department', async () => {
    const { wrapper, bodies } = await typed({ text: '我家楼下路灯不亮了', category: null }, ANSWER)
    expect(bodies).toEqual([{ text: '我家楼下路灯不亮了' }])
    expect(wrapper.emitted('choose')![0]).toEqual([11])
    expect(wrapper.text()).toContain('91%')
    expect(wrapper.text()).toContain('城管局')
    expect(wrapper.text()).toContain('v3')
    await wrapper.find('[data-test="category-suggestion-12"]').trigger('click')
    expect(wrapper.emitted('choose')![1]).toEqual([12])
  })

  it('never overwrites the operator’s choice and leaves a low-confidence field to the operator', async () => {
    const mine = await typed({ text: '我家楼下路灯不亮了', category: 12 }, ANSWER)
    expect(mine.wrapper.emitted('choose')).toBeUndefined()
    const low = await typed({ text: '有个事情想问一下', category: null }, { ...ANSWER, confident: false })
    expect(low.wrapper.emitted('choose')).toBeUndefined()
    expect(low.wrapper.text()).toContain('40%')
  })
})
