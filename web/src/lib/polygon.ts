// Polygon rings as the map editor holds them (open: each corner once) and as GeoJSON wants them
// (closed: the first corner repeated at the end).
export type Corner = [number, number]

export function closeRing(corners: Corner[]): Corner[] {
  if (!corners.length) return []
  const first = corners[0]!
  const last = corners[corners.length - 1]!
  return first[0] === last[0] && first[1] === last[1] ? [...corners] : [...corners, [first[0], first[1]]]
}

export function openRing(ring: Corner[]): Corner[] {
  if (ring.length < 2) return [...ring]
  const first = ring[0]!
  const last = ring[ring.length - 1]!
  return first[0] === last[0] && first[1] === last[1] ? ring.slice(0, -1) : [...ring]
}
