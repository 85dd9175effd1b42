import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import CategoryPicker from '../src/components/CategoryPicker.vue'
import ActionDialog from '../src/components/ActionDialog.vue'
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

const HITS = [
  { id: 11, parent_id: 2, level: 3, code: '01.02.001', name: '路灯', path_name: '市政 / 照明 / 路灯', pinyin_initials: 'sz/zm/ld', is_leaf: true },
  { id: 12, parent_id: 2, level: 3, code: '01.02.002', name: '楼道灯', path_name: '市政 / 照明 / 楼道灯', pinyin_initials: 'sz/zm/ldd', is_leaf: true },
]

describe('category picker', () => {
  it('takes the first hit on Enter and the next one after ↓', async () => {
    const fetch = vi.fn(async (req: Request) => (new URL(req.url, 'http://x').pathname.endsWith('/search') ? json(200, HITS) : json(200, [])))
    vi.stubGlobal('fetch', fetch)
    const wrapper = mount(CategoryPicker, { props: { modelValue: null }, global: { plugins }, attachTo: document.body })
    const input = wrapper.find('input[data-test="category-search"], [data-test="category-search"] input')
    await input.setValue('ld')
    // Enter right away: the picker searches without waiting for the debounce.
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(wrapper.emitted('update:modelValue')?.[0]).toEqual([11])

    await input.setValue('ld')
    await wait(200)
    await flushPromises()
    expect(wrapper.findAll('.hit').length).toBe(2)
    await input.trigger('keydown', { key: 'ArrowDown' })
    await input.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(wrapper.emitted('update:modelValue')?.[1]).toEqual([12])
  })
})

const CASE = {
  number: '330114-20261127-00001', status: 'in_progress', version: 4, request_type: 'complaint', channel: 'hotline',
  urgency: 'normal', warning_level: 'green', category_id: 11, category_name: '路灯', lead_department_id: 3,
  lead_department_name: '城市管理局', street_id: null, grid_id: null, address: '', description: '路灯不亮',
  created_at: '2026-11-27T01:00:00Z', external_ref: '', lng: null, lat: null, community_id: null, h3_r9: '',
  routing_rule_id: null, routing_rule_version: null, routing_reason: '', callback_result: '', merged_into: null,
  return_count: 0, rework_count: 0, reopen_count: 0, extension_count: 0, extension_days: 0, closed_at: null,
  reporters: [], tasks: [], deadlines: [], allowed_actions: ['request_extension'],
}

async function openDialog(respond: (req: Request, body: any) => Response) {
  const sent: any[] = []
  vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
    const body = req.method === 'POST' ? await req.clone().json() : null
    sent.push({ url: req.url, body })
    return respond(req, body)
  }))
  const wrapper = mount(ActionDialog, {
    props: { case: CASE as any, action: 'request_extension', modelValue: false },
    global: { plugins, stubs: { transition: false } },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  return { wrapper, sent }
}

describe('action dialog', () => {
  it('sends the form with the version seen and shows the server message beside its field', async () => {
    const { wrapper, sent } = await openDialog(() =>
      json(422, { error: { code: 'extension_limit', message: '延期总数超过 30 个工作日', details: { field: 'working_days' } } }),
    )
    const dialog = document.querySelector('[data-test="action-dialog"]')!
    const reason = dialog.querySelector('textarea[data-test="field-reason"], [data-test="field-reason"] textarea') as HTMLTextAreaElement
    reason.value = '需要协调'
    reason.dispatchEvent(new Event('input'))
    ;(dialog.querySelector('[data-test="action-confirm"]') as HTMLButtonElement).click()
    await flushPromises()
    await wait(150)
    expect(sent.at(-1).url).toContain('/actions/request_extension')
    expect(sent.at(-1).body).toEqual({ expected_version: 4, working_days: null, reason: '需要协调' })
    const items = [...dialog.querySelectorAll('.el-form-item')]
    const days = items.find((i) => i.querySelector('[data-test="field-days"]') || i.matches(':has([data-test="field-days"])'))!
    expect(days.querySelector('.el-form-item__error')?.textContent).toContain('延期总数超过')
    expect(wrapper.emitted('done')).toBeUndefined()
  })

  it('tells the caller to reload when someone else changed the case (409)', async () => {
    const { wrapper } = await openDialog(() =>
      json(409, { error: { code: 'conflict', message: 'changed', details: { status: 'to_verify', version: 5 } } }),
    )
    ;(document.querySelector('[data-test="action-confirm"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(wrapper.emitted('stale')).toHaveLength(1)
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([false])
  })
})
