// The citizen portal (web/src/citizen): the report's multipart body and idempotency (moved from
// citizenAndCounts.test.ts with their assertions), "the same problem" nearby, me too, the public
// page's calls, and the portal's own catalogue.
import { describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import {
  blankCitizenForm,
  chosenCategory,
  deviceId,
  isDistrictCode,
  lastFour,
  meToo,
  nearbyReports,
  newIdempotencyKey,
  publicCategories,
  sameProblem,
  submitFormData,
  submitReport,
  type NearbyReport,
} from '../src/citizen/lib'
import { messages } from '../src/citizen/messages'
import { ApiError } from '../src/api/errors'

function filled() {
  return {
    ...blankCitizenForm(' 330114 '),
    request_type: 'report',
    category1: 3,
    category2: 17,
    description: '  路灯不亮  ',
    name: ' 王女士 ',
    phone: '139 1234-5678',
    address: ' 金沙路 8 号 ',
  }
}

describe('citizen report → multipart form', () => {
  it('sends the trimmed fields, the deepest category, and no point when none was given', () => {
    const body = submitFormData(filled())
    expect(Object.fromEntries([...body.entries()])).toEqual({
      jurisdiction: '330114',
      request_type: 'report',
      category_id: '17',
      description: '路灯不亮',
      name: '王女士',
      phone: '13912345678',
      channel: 'web',
      address: '金沙路 8 号',
    })
    expect(body.has('lng')).toBe(false)
    expect(body.has('crs')).toBe(false)
    expect(body.has('photo')).toBe(false)
  })

  it('sends the point with its coordinate system (geolocation is WGS-84) and the photo', () => {
    const photo = new File([new Uint8Array([137, 80, 78, 71])], 'street.png', { type: 'image/png' })
    const body = submitFormData({ ...filled(), category2: null, address: '', point: { lng: 120.3601234, lat: 30.2602, crs: 'wgs84' }, photo })
    expect(body.get('category_id')).toBe('3')
    expect(body.get('lng')).toBe('120.360123')
    expect(body.get('lat')).toBe('30.260200')
    expect(body.get('crs')).toBe('wgs84')
    expect(body.has('address')).toBe(false)
    const sent = body.get('photo') as File
    expect(sent.name).toBe('street.png')
    expect(sent.type).toBe('image/png')
  })

  it('leaves the category out when none is chosen (the server names the field)', () => {
    expect(chosenCategory({ category1: null, category2: null })).toBeNull()
    expect(submitFormData(blankCitizenForm('330114')).has('category_id')).toBe(false)
  })

  it('posts to the public endpoint with the Idempotency-Key, the same key on a retry', async () => {
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ number: '330114-20261127-00042', status: 'registered', created: true }), { status: 201 }))
    const key = newIdempotencyKey()
    const out = await submitReport(filled(), key, fetchImpl as unknown as typeof fetch)
    await submitReport(filled(), key, fetchImpl as unknown as typeof fetch)
    expect(out.number).toBe('330114-20261127-00042')
    const calls = fetchImpl.mock.calls as unknown as [string, RequestInit][]
    expect(calls[0]![0]).toBe('/api/v1/cases/public/submit')
    expect(calls[0]![1].method).toBe('POST')
    expect(calls[0]![1].body).toBeInstanceOf(FormData)
    const h = (i: number) => (calls[i]![1].headers as Record<string, string>)['Idempotency-Key']
    expect(h(0)).toBe(key)
    expect(h(1)).toBe(key)
  })

  it('gives a new key for each form fill', () => {
    const keys = new Set(Array.from({ length: 20 }, newIdempotencyKey))
    expect(keys.size).toBe(20)
  })

  it("turns the server's error into ApiError with the field it names", async () => {
    const body = { error: { code: 'unknown_category', message: '请选择诉求类别', details: { field: 'category_id' } } }
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify(body), { status: 400 }))
    const err = await submitReport(filled(), 'k', fetchImpl as unknown as typeof fetch).catch((e) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect(err.fieldErrors).toEqual({ category_id: '请选择诉求类别' })
  })

  it('a network failure is a network_error, never a 401 redirect', async () => {
    const fetchImpl = vi.fn(async () => {
      throw new TypeError('offline')
    })
    const err = await submitReport(filled(), 'k', fetchImpl as unknown as typeof fetch).catch((e) => e)
    expect(err.code).toBe('network_error')
  })

  it('asks for the categories of the district code', async () => {
    const fetchImpl = vi.fn(async () => new Response('[]', { status: 200 }))
    await publicCategories(' 330114', fetchImpl as unknown as typeof fetch)
    expect((fetchImpl.mock.calls as unknown as [string][])[0]![0]).toBe('/api/v1/cases/public/categories?jurisdiction=330114')
  })

  it('checks district codes and takes the last four digits of a phone', () => {
    expect(isDistrictCode('330114')).toBe(true)
    expect(isDistrictCode('33011')).toBe(false)
    expect(isDistrictCode('33011a')).toBe(false)
    expect(lastFour('139-1234 5678')).toBe('5678')
  })
})

const report = (id: number, over: Partial<NearbyReport> = {}): NearbyReport => ({
  id,
  category1_id: 3,
  category2_id: 17,
  category_name: '市容环境',
  status: 'in_progress',
  open: true,
  reported_on: '2026-12-01',
  lng: 120.36,
  lat: 30.26,
  distance_m: 120,
  me_too_count: 0,
  ...over,
})

describe('the same problem nearby', () => {
  const reports = [
    report(1, { distance_m: 180 }),
    report(2, { distance_m: 60 }),
    report(3, { distance_m: 250 }), // too far for "the same problem" (still on the map)
    report(4, { distance_m: 30, open: false, status: 'done' }), // dealt with: report it again
    report(5, { distance_m: 40, category2_id: 18 }), // another sub-category
  ]

  it('offers open reports of the chosen sub-category within 200 m, nearest first', () => {
    expect(sameProblem(reports, { category1: 3, category2: 17 }).map((r) => r.id)).toEqual([2, 1])
  })

  it('compares the level-1 category when no sub-category is chosen, and offers nothing before a choice', () => {
    expect(sameProblem(reports, { category1: 3, category2: null }).map((r) => r.id)).toEqual([5, 2, 1])
    expect(sameProblem(reports, { category1: 9, category2: null })).toEqual([])
    expect(sameProblem(reports, { category1: null, category2: null })).toEqual([])
  })
})

describe('nearby and me too', () => {
  it('asks for the reports near the point with its coordinate system', async () => {
    const fetchImpl = vi.fn(async () => new Response('[]', { status: 200 }))
    await nearbyReports('330114', { lng: 120.3601234, lat: 30.26, crs: 'wgs84' }, fetchImpl as unknown as typeof fetch)
    const url = (fetchImpl.mock.calls as unknown as [string][])[0]![0]
    expect(url).toBe('/api/v1/cases/public/nearby?jurisdiction=330114&lng=120.360123&lat=30.260000&crs=wgs84')
  })

  it('sends me too with this phone\'s device id (kept) and the phone without spaces', async () => {
    const fetchImpl = vi.fn(async () => new Response(JSON.stringify({ created: true, me_too_count: 3 }), { status: 200 }))
    const out = await meToo('330114', 42, '139 1234-5678', fetchImpl as unknown as typeof fetch)
    expect(out.me_too_count).toBe(3)
    const [url, init] = (fetchImpl.mock.calls as unknown as [string, RequestInit][])[0]!
    expect(url).toBe('/api/v1/cases/public/reports/42/me-too')
    const body = JSON.parse(init.body as string)
    expect(body).toEqual({ jurisdiction: '330114', device: deviceId(), phone: '13912345678' })
    expect(body.device).toMatch(/^[A-Za-z0-9-]{8,64}$/)
  })

  it('keeps one device id per phone and replaces a tampered one', () => {
    const store = new Map<string, string>()
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) }
    const first = deviceId(storage)
    expect(deviceId(storage)).toBe(first)
    store.set('zhiguan.device', '<script>')
    expect(deviceId(storage)).not.toBe('<script>')
  })
})

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe("the portal's catalogue", () => {
  it('has the same keys in Chinese and English, none empty', () => {
    expect(keys(messages.en).sort()).toEqual(keys(messages['zh-CN']).sort())
    for (const k of keys(messages['zh-CN'])) expect(k.split('.').reduce((o: any, p) => o[p], messages['zh-CN']), k).toBeTruthy()
  })

  it('names every public status and step the server sends', () => {
    expect(Object.keys(messages['zh-CN'].status).sort()).toEqual(['accepted', 'done', 'in_progress', 'merged', 'not_accepted', 'rated'])
    expect(messages['zh-CN'].status).toMatchObject({ accepted: '已受理', in_progress: '处理中', done: '已办结', rated: '已评价' })
    for (const step of ['received', 'accepted', 'dispatched', 'handling', 'replied', 'closed', 'rated', 'reopened']) {
      expect(messages['zh-CN'].step).toHaveProperty(step)
    }
  })
})

describe('the public page', () => {
  it('shows the public status, the department, plain steps and the published photos', async () => {
    const { default: FollowView } = await import('../src/citizen/views/FollowView.vue')
    const { i18n } = await import('../src/citizen/i18n')
    // The whole of Element Plus here: the portal's per-component CSS imports are for the bundle.
    const { default: ElementPlus } = await import('element-plus')
    const body = {
      number: '330114-20261202-00001',
      status: 'in_progress',
      request_type: 'complaint',
      category_name: '占道经营',
      department: '城管局',
      created_at: '2026-12-02T01:00:00Z',
      closed_at: null,
      timeline: [
        { at: '2026-12-02T01:00:00Z', step: 'received', status: 'accepted' },
        { at: '2026-12-02T02:00:00Z', step: 'handling', status: 'in_progress' },
      ],
      photos: [{ name: 'after.jpg', url: '/api/v1/cases/public/photos/abc' }],
      me_too_count: 2,
      reply: '',
      callback_result: '',
      can_rate: false,
    }
    globalThis.fetch = vi.fn(async () => new Response(JSON.stringify(body), { status: 200 })) as unknown as typeof fetch
    const { createRouter, createMemoryHistory } = await import('vue-router')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/follow/:number', component: FollowView, props: true }] })
    await router.push('/follow/330114-20261202-00001')
    const wrapper = mount(FollowView, { props: { number: '330114-20261202-00001' }, global: { plugins: [i18n, router, ElementPlus] } })
    await wrapper.find('[data-test="citizen-last4"]').setValue('5678')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[data-test="citizen-status"]').text()).toBe('处理中')
    expect(wrapper.find('[data-test="citizen-department"]').text()).toContain('城管局')
    expect(wrapper.find('[data-test="citizen-timeline"]').text()).toContain('办理单位已签收，正在处理')
    expect(wrapper.find('[data-test="citizen-photos"] img').attributes('src')).toBe('/api/v1/cases/public/photos/abc')
    const sent = JSON.parse(((globalThis.fetch as any).mock.calls[0][1] as RequestInit).body as string)
    expect(sent).toEqual({ number: '330114-20261202-00001', phone_last4: '5678' })
  })
})
