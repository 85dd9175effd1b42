import { describe, expect, it, vi } from 'vitest'
import {
  blankCitizenForm,
  chosenCategory,
  isDistrictCode,
  lastFour,
  newIdempotencyKey,
  publicCategories,
  submitFormData,
  submitReport,
} from '../src/lib/citizen'
import { countsById, gridStyle, legendSteps, maxCount, totalOf, type AreaCount } from '../src/lib/aggregate'
import { relativeTime } from '../src/lib/format'
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

const area = (area_id: number, count: number, yellow = 0, red = 0): AreaCount => ({ area_id, code: `g${area_id}`, name: `网格${area_id}`, count, yellow, red })

describe('grid colouring from server counts', () => {
  const rows = [area(1, 40, 3, 2), area(2, 10, 1, 0), area(3, 1)]

  it('fills by the share of the busiest grid and leaves empty grids pale', () => {
    const max = maxCount(rows)
    expect(max).toBe(40)
    const byId = countsById(rows)
    expect(gridStyle(byId.get(1), max).fillColor).toBe('#bd0026')
    expect(gridStyle(byId.get(2), max).fillColor).toBe('#fecc5c')
    expect(gridStyle(byId.get(3), max).fillColor).toBe('#ffffb2')
    const empty = gridStyle(byId.get(99), max)
    expect(empty.fillColor).toBe('#ffffff')
    expect(empty.fillOpacity).toBeLessThan(0.1)
  })

  it('outlines grids holding red cases in red, yellow ones in amber', () => {
    const byId = countsById(rows)
    expect(gridStyle(byId.get(1), 40).color).toBe('#d03050')
    expect(gridStyle(byId.get(2), 40).color).toBe('#e6a23c')
    expect(gridStyle(byId.get(3), 40).color).toBe('#7a8ca3')
  })

  it('keeps the maximum at least one, and a legend of distinct steps', () => {
    expect(maxCount([])).toBe(1)
    expect(legendSteps(1)).toEqual([{ n: 1, color: '#bd0026' }])
    expect(legendSteps(40).map((s) => s.n)).toEqual([8, 16, 24, 32, 40])
    expect(totalOf(rows)).toBe(51)
  })
})

describe('relative deadlines', () => {
  const now = Date.parse('2026-12-01T00:00:00Z')
  it('says minutes, hours or days, ahead or past', () => {
    expect(relativeTime('2026-12-01T00:30:00Z', 'en', now)).toBe('in 30 minutes')
    expect(relativeTime('2026-12-01T05:00:00Z', 'en', now)).toBe('in 5 hours')
    expect(relativeTime('2026-11-28T00:00:00Z', 'en', now)).toBe('3 days ago')
    expect(relativeTime(null, 'en', now)).toBe('')
    expect(relativeTime('2026-12-04T00:00:00Z', 'zh-CN', now)).toBe('3天后')
  })
})
