import { describe, expect, it } from 'vitest'
import { cacheKey, chooseLabels, imageryOf, initialChoice, layersAt, roadStyle, snapBbox, tileBounds, tileOf, turnedBox, vertical } from '../src/lib/basemap'

const district: [number, number, number, number] = [120.2855, 30.2223, 120.7177, 30.3921]

describe('which layers a zoom shows', () => {
  it('draws buildings only from zoom 15, names over imagery, nothing for 无', () => {
    expect(layersAt(13)).toEqual(['water', 'roads', 'labels'])
    expect(layersAt(15.75)).toEqual(['water', 'roads', 'buildings', 'labels'])
    expect(layersAt(16, 'imagery')).toEqual(['labels'])
    expect(layersAt(16, 'none')).toEqual([])
  })

  it('widens roads with zoom and by class, the casing always wider than the fill', () => {
    expect(roadStyle('arterial', 11).casing).toBe(roadStyle('arterial', 11).fill) // no edge on a small map
    for (const z of [13, 16, 18]) {
      const a = roadStyle('arterial', z)
      const b = roadStyle('branch', z)
      expect(a.casing).toBeGreaterThan(a.fill)
      expect(a.fill).toBeGreaterThanOrEqual(b.fill)
    }
    expect(roadStyle('arterial', 17).fill).toBeGreaterThan(roadStyle('arterial', 14).fill)
  })
})

describe('the box asked for', () => {
  it('is the same for nearby views (one cache entry) and covers the view', () => {
    const a = snapBbox([120.3501, 30.3101, 120.3601, 30.3201], 15.5, district)
    const b = snapBbox([120.3502, 30.3102, 120.3602, 30.3202], 15.25, district)
    expect(a).toEqual(b)
    expect(cacheKey('roads', 15.5, a)).toBe(cacheKey('roads', 15, b))
    expect(a[0]).toBeLessThanOrEqual(120.3501)
    expect(a[2]).toBeGreaterThanOrEqual(120.3602)
  })

  it('is clipped to the district, so a zoomed-out view asks for the district once', () => {
    const far = snapBbox([119, 29, 122, 31.5], 13, district)
    const near = snapBbox([120.1, 30.1, 120.9, 30.5], 13, district)
    expect(far).toEqual(near)
    expect(far[0]).toBeGreaterThan(120.1)
  })

  it('uses the web-mercator tile grid (as the server does)', () => {
    const [x, y] = tileOf(120.35, 30.3, 13)
    const [w, s, e, n] = tileBounds(x, y, 13)
    expect(w).toBeLessThanOrEqual(120.35)
    expect(e).toBeGreaterThan(120.35)
    expect(s).toBeLessThanOrEqual(30.3)
    expect(n).toBeGreaterThan(30.3)
  })
})

describe('names', () => {
  it('keeps a turned road name in a box big enough for it', () => {
    const flat = turnedBox(100, 100, 60, 14, 0)
    expect(flat).toEqual({ x: 70, y: 93, w: 60, h: 14 })
    const turned = turnedBox(100, 100, 60, 14, 30)
    expect(turned.h).toBeGreaterThan(14)
    expect(vertical(80)).toBe(true)
    expect(vertical(-20)).toBe(false)
    expect(vertical(undefined)).toBe(false)
  })

  it('drops names that touch the map’s own area names or a more important name', () => {
    const streetName = { x: 0, y: 0, w: 80, h: 20 }
    const shown = chooseLabels(
      [streetName],
      [
        { rank: 40, box: { x: 200, y: 0, w: 50, h: 14 } }, // an alley, clashes with the arterial
        { rank: 80, box: { x: 210, y: 5, w: 60, h: 14 } }, // an arterial road
        { rank: 65, box: { x: 10, y: 5, w: 40, h: 14 } }, // an estate under the street's name
        { rank: 65, box: { x: 400, y: 300, w: 40, h: 14 } }, // alone
        { rank: 90, box: null }, // off the map
      ],
    )
    expect(shown).toEqual([false, true, false, true, false])
  })
})

describe('which background', () => {
  const none = { mapTileUrl: '', mapTileAttribution: '' }
  it('prefers the base-map file, then the tile URL, else only the own vector map', () => {
    const url = { mapTileUrl: 'http://tiles.local/{z}/{x}/{y}.png', mapTileAttribution: '市测绘' }
    const file = { ...url, mapTileFileUrl: '/api/v1/gis/tiles/{z}/{x}/{y}', mapTileFileMaxZoom: 17, mapTileFileAttribution: '区测绘院' }
    expect(imageryOf(file)).toMatchObject({ source: 'file', url: '/api/v1/gis/tiles/{z}/{x}/{y}', maxNativeZoom: 17, attribution: '区测绘院' })
    expect(imageryOf(url)).toMatchObject({ source: 'url', attribution: '市测绘' })
    expect(imageryOf(none)).toBeNull()
  })

  it('starts with imagery when there is some, keeps a saved choice that is still possible', () => {
    const img = imageryOf({ mapTileUrl: 'http://tiles.local/{z}/{x}/{y}.png', mapTileAttribution: '' })
    expect(initialChoice(img, null)).toBe('imagery')
    expect(initialChoice(null, null)).toBe('vector')
    expect(initialChoice(null, 'imagery')).toBe('vector')
    expect(initialChoice(img, 'vector')).toBe('vector')
    expect(initialChoice(null, 'none')).toBe('none')
  })
})
