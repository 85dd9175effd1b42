// What a camera sees, for the console's small maps (the server keeps the same sector: video/coverage.py).
const METRES_PER_DEGREE = (Math.PI / 180) * 6371008.8

export const COMPASS = ['n', 'ne', 'e', 'se', 's', 'sw', 'w', 'nw'] as const
export type Compass = (typeof COMPASS)[number]

/** The eight-point compass direction of an azimuth (° clockwise from north). */
export function compass(deg: number): Compass {
  const i = Math.round((((deg % 360) + 360) % 360) / 45) % 8
  return COMPASS[i]
}

/** The sector's outline as [lat, lng] pairs: apex, arc every ≤ 5°, back to the apex; a circle for PTZ. */
export function sectorLatLngs(
  lng: number,
  lat: number,
  direction: number,
  fov: number,
  rangeM: number,
  ptz = false,
): [number, number][] {
  const kLat = METRES_PER_DEGREE
  const kLng = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180)
  const at = (deg: number): [number, number] => {
    const a = (deg * Math.PI) / 180
    return [lat + (rangeM * Math.cos(a)) / kLat, lng + (rangeM * Math.sin(a)) / kLng]
  }
  if (ptz || fov >= 360) {
    return Array.from({ length: 72 }, (_, i) => at(i * 5))
  }
  const half = fov / 2
  const steps = Math.max(2, Math.ceil(fov / 5))
  const arc = Array.from({ length: steps + 1 }, (_, i) => at(direction - half + (i * fov) / steps))
  return [[lat, lng], ...arc, [lat, lng]]
}
