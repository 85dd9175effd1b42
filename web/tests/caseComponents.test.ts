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

async function openDialog(respond: (req: Request, body: any) => Response, action = 'request_extension') {
  const sent: any[] = []
  vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
    const body = req.method === 'POST' ? await req.clone().json() : null
    sent.push({ url: req.url, body })
    return respond(req, body)
  }))
  const wrapper = mount(ActionDialog, {
    props: { case: CASE as any, action: action as any, modelValue: false },
    global: { plugins, stubs: { transition: false } },
    attachTo: document.body,
  })
  await wrapper.setProps({ modelValue: true })
  await flushPromises()
  return { wrapper, sent }
}

function fill(dialog: Element, field: string, value: string) {
  const input = dialog.querySelector(`[data-test="field-${field}"] textarea, [data-test="field-${field}"] input, textarea[data-test="field-${field}"]`) as HTMLInputElement
  input.value = value
  input.dispatchEvent(new Event('input'))
  input.dispatchEvent(new Event('change'))
}

const confirm = (dialog: Element) => (dialog.querySelector('[data-test="action-confirm"]') as HTMLButtonElement).click()
const rowError = (dialog: Element, field: string) => dialog.querySelector(`[data-test="row-${field}"] .el-form-item__error`)?.textContent ?? ''

describe('action dialog', () => {
  it('sends the form to the action\'s own operation with the version seen and shows the server message beside its field', async () => {
    const { wrapper, sent } = await openDialog(() =>
      json(422, { error: { code: 'extension_limit', message: '延期总数超过 30 个工作日', details: { field: 'working_days' } } }),
    )
    const dialog = document.querySelector('[data-test="action-dialog"]')!
    fill(dialog, 'reason', '需要协调')
    fill(dialog, 'working_days', '40')
    await flushPromises()
    confirm(dialog)
    await flushPromises()
    await wait(150)
    expect(new URL(sent.at(-1).url).pathname).toBe('/api/v1/cases/330114-20261127-00001/actions/request_extension')
    expect(sent.at(-1).body).toEqual({ expected_version: 4, working_days: 40, reason: '需要协调', note: '', attachment_ids: [] })
    expect(rowError(dialog, 'working_days')).toContain('延期总数超过')
    expect(wrapper.emitted('done')).toBeUndefined()
  })

  it('sends nothing while a required field is empty, and says which', async () => {
    const { wrapper, sent } = await openDialog(() => json(200, CASE))
    const dialog = document.querySelector('[data-test="action-dialog"]')!
    fill(dialog, 'working_days', '3')
    await flushPromises()
    confirm(dialog)
    await flushPromises()
    await wait(150)
    expect(sent.filter((r) => r.body)).toEqual([])
    expect(rowError(dialog, 'reason')).toBe('请填写此项')
    expect(rowError(dialog, 'working_days')).toBe('')
    expect(wrapper.emitted('done')).toBeUndefined()
  })

  it('puts a missing position beside the position of an on-site verification', async () => {
    const { sent } = await openDialog(
      () => json(422, { error: { code: 'invalid_input', message: '现场核查需要定位', details: { field: 'lng' } } }),
      'verify_pass',
    )
    const dialog = document.querySelector('[data-test="action-dialog"]')!
    confirm(dialog)
    await flushPromises()
    await wait(150)
    expect(new URL(sent.at(-1).url).pathname).toMatch(/\/actions\/verify_pass$/)
    expect(sent.at(-1).body).toEqual({ expected_version: 4, method: 'site', crs: 'wgs84', camera: '', note: '', attachment_ids: [] })
    expect(rowError(dialog, 'lng')).toContain('现场核查需要定位')
    expect(dialog.querySelector('[data-test="action-error"]')).toBeNull()
  })

  it("verifies with the inspector's own position from the device, never the case's point", async () => {
    // The case lies at (120.36, 30.26); the inspector stands 35 m north of it.
    const stood = { longitude: 120.36, latitude: 30.26 + 35 / 111195, accuracy: 8.44 }
    vi.stubGlobal('navigator', {
      ...navigator,
      geolocation: { getCurrentPosition: (ok: PositionCallback) => ok({ coords: stood, timestamp: 0 } as unknown as GeolocationPosition) },
    })
    const withPoint = { ...CASE, status: 'to_verify', lng: 120.36, lat: 30.26 }
    const sent: any[] = []
    vi.stubGlobal('fetch', vi.fn(async (req: Request) => {
      sent.push({ url: req.url, body: req.method === 'POST' ? await req.clone().json() : null })
      return json(200, withPoint)
    }))
    const wrapper = mount(ActionDialog, {
      props: { case: withPoint as any, action: 'verify_pass' as any, modelValue: false },
      global: { plugins, stubs: { transition: false } },
      attachTo: document.body,
    })
    await wrapper.setProps({ modelValue: true })
    await flushPromises()
    const dialog = document.querySelector('[data-test="action-dialog"]')!
    expect(dialog.querySelector('[data-test="verify-position-state"]')!.textContent).toContain('距案件点 35 米')
    confirm(dialog)
    await flushPromises()
    await wait(150)
    const body = sent.filter((r) => r.body).at(-1).body
    expect(body).toMatchObject({ method: 'site', lng: 120.36, lat: stood.latitude, accuracy: 8.4, crs: 'wgs84' })
  })

  it('tells the caller to reload when someone else changed the case (409)', async () => {
    const { wrapper } = await openDialog(() =>
      json(409, { error: { code: 'conflict', message: 'changed', details: { status: 'to_verify', version: 5 } } }),
    )
    const dialog = document.querySelector('[data-test="action-dialog"]')!
    fill(dialog, 'reason', '需要协调')
    fill(dialog, 'working_days', '3')
    await flushPromises()
    confirm(dialog)
    await flushPromises()
    expect(wrapper.emitted('stale')).toHaveLength(1)
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([false])
  })
})
