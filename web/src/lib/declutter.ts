// Which map labels to show so that none overlaps another, with no Leaflet or i18n in it: the
// console's maps (districtMap.ts) and the citizen portal's small map share it.

export interface Box {
  x: number
  y: number
  w: number
  h: number
}

/** Space kept free around each name, in pixels, so that two names never touch. */
export const LABEL_GAP = 8

/**
 * Boxes are taken in the order given (most important first); a box touching one already taken is
 * dropped. `gap` pixels are kept free around each.
 */
export function declutter(boxes: (Box | null)[], gap = LABEL_GAP): boolean[] {
  const taken: Box[] = []
  return boxes.map((b) => {
    if (!b) return false
    const hit = taken.some((o) => b.x - gap < o.x + o.w && o.x - gap < b.x + b.w && b.y - gap < o.y + o.h && o.y - gap < b.y + b.h)
    if (hit) return false
    taken.push(b)
    return true
  })
}
