import { describe, expect, it } from 'vitest'
import { compass, sectorLatLngs } from '../src/lib/cameras'

describe('compass', () => {
  it('names the eight directions and wraps', () => {
    expect(compass(0)).toBe('n')
    expect(compass(44)).toBe('ne')
    expect(compass(90)).toBe('e')
    expect(compass(200)).toBe('s')
    expect(compass(350)).toBe('n')
    expect(compass(-90)).toBe('w')
  })
})

describe('sectorLatLngs', () => {
  it('opens from the camera towards its direction', () => {
    const pts = sectorLatLngs(120.3, 30.3, 90, 60, 100)
    expect(pts[0]).toEqual([30.3, 120.3])
    expect(pts[pts.length - 1]).toEqual([30.3, 120.3])
    // looking east: every arc point lies east of the camera
    for (const [, lng] of pts.slice(1, -1)) expect(lng).toBeGreaterThan(120.3)
  })
  it('is a circle around a PTZ dome', () => {
    const pts = sectorLatLngs(120.3, 30.3, 0, 60, 100, true)
    expect(pts.some(([lat]) => lat < 30.3)).toBe(true)
    expect(pts.some(([lat]) => lat > 30.3)).toBe(true)
  })
})
