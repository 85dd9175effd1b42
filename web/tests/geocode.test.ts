import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zhCN from '../src/i18n/zh-CN'
import en from '../src/i18n/en'
import { ApiError } from '../src/api/errors'
import {
  alternatives,
  defaultChoice,
  formatAreas,
  notFoundCandidates,
  precisionLabel,
  roundMetres,
  samePoint,
  shouldGeocode,
  type GeocodeMatch,
  type GeocodeResult,
} from '../src/lib/geocode'

const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
function tr(locale: 'zh-CN' | 'en') {
  return (key: string, named?: Record<string, unknown>) => {
    i18n.global.locale.value = locale
    return i18n.global.t(key, named ?? {})
  }
}

const match = (address: string, code: string, extra: Partial<GeocodeMatch> = {}): GeocodeMatch => ({
  address,
  code,
  kind: 'address',
  lng: 120.3,
  lat: 30.3,
  precision: 'door',
  score: 0.9,
  ...extra,
})
const result = (best: GeocodeMatch, candidates: GeocodeMatch[]): GeocodeResult => ({
  matched: best,
  score: best.score,
  candidates,
  street_id: 1,
  street_code: '330114001',
  street_name: '下沙街道',
  community_id: 2,
  community_code: '330114001001',
  community_name: '文海社区',
  grid_id: null,
  grid_code: null,
  grid_name: null,
})

describe('geocoder helpers', () => {
  it('look up two characters or more', () => {
    expect(shouldGeocode('')).toBe(false)
    expect(shouldGeocode(' 文 ')).toBe(false)
    expect(shouldGeocode('文泽')).toBe(true)
  })

  it.each([
    ['door', '门牌', 'door number'],
    ['building', '楼栋', 'building'],
    ['room', '户室', 'room'],
    ['poi', '兴趣点', 'place'],
    ['intersection', '路口', 'crossing'],
    ['road', '道路', 'road'],
  ])('name the precision %s', (p, zh, english) => {
    expect(precisionLabel(p, tr('zh-CN'))).toBe(zh)
    expect(precisionLabel(p, tr('en'))).toBe(english)
  })

  it('show an unknown precision as it is', () => {
    expect(precisionLabel('parcel', tr('zh-CN'))).toBe('parcel')
  })

  it('format the areas, a missing level as a dash, none at all as nothing', () => {
    const r = result(match('文泽路88号', 'A1'), [])
    expect(formatAreas(r)).toBe('下沙街道 / 文海社区 / —')
    expect(formatAreas({ street_name: null, community_name: null, grid_name: null })).toBe('')
    expect(formatAreas(null)).toBe('')
  })

  it('place the best match by default and offer up to four others, without repeats', () => {
    const best = match('文泽路88号', 'A1')
    const others = [best, match('文泽路86号', 'A2'), match('文泽路86号', 'A2'), match('文泽路', 'R1', { kind: 'road', precision: 'road' }),
      match('文泽路90号', 'A3'), match('文泽路92号', 'A4'), match('文泽路94号', 'A5')]
    const r = result(best, others)
    expect(defaultChoice(r)).toBe(best)
    expect(defaultChoice(null)).toBeNull()
    expect(alternatives(r).map((m) => m.code)).toEqual(['A2', 'R1', 'A3', 'A4'])
    expect(alternatives(null)).toEqual([])
  })

  it('read the nearest names of an address_not_found answer, and nothing else', () => {
    const err = new ApiError(404, 'address_not_found', '未找到', { candidates: [{ text: '文泽路88号', score: 0.41 }, { text: '' }, 7, { text: '文泽路' }] })
    expect(notFoundCandidates(err)).toEqual([{ text: '文泽路88号', score: 0.41 }, { text: '文泽路', score: 0 }])
    expect(notFoundCandidates(new ApiError(404, 'address_not_found', 'x', {}))).toEqual([])
    expect(notFoundCandidates(new ApiError(422, 'address_empty', 'x'))).toBeNull()
    expect(notFoundCandidates(new Error('boom'))).toBeNull()
  })

  it('say the distance in whole metres and compare points', () => {
    expect(roundMetres(12.6)).toBe(13)
    expect(roundMetres(0.2)).toBe(1)
    expect(samePoint({ lng: 1, lat: 2 }, { lng: 1, lat: 2 })).toBe(true)
    expect(samePoint({ lng: 1, lat: 2 }, { lng: 1.0001, lat: 2 })).toBe(false)
    expect(samePoint(null, { lng: 1, lat: 2 })).toBe(false)
  })
})
