// The district's own base map on every console map (decision 069): water, roads drawn like a city
// map (a darker casing under a light fill, wider by class and zoom), building footprints from zoom
// 15, and names — roads along their line, estates and stations, streets and communities — placed
// with the shared declutter so that no two names overlap. Fetched from /api/v1/gis/basemap/{layer}
// for the view (a box snapped to the tile grid one zoom coarser, as the server snaps it, so small
// pans are answered from this page's cache) after the map stops moving. Nothing from outside: the
// 影像 choice is the surveying department's tile file or the administrator's intranet tile URL.
import L from 'leaflet'
import { config } from '../config'
import { declutter, type Box } from './declutter'
import './basemap.css'

export type BasemapLayer = 'water' | 'roads' | 'buildings' | 'labels'
export type BasemapChoice = 'vector' | 'imagery' | 'none'
export type Bbox = [number, number, number, number]

/** From which zoom each layer is drawn (the server's gis.basemap.LAYER_MIN_ZOOM). */
export const LAYER_MIN_ZOOM: Record<BasemapLayer, number> = { water: 0, roads: 0, buildings: 15, labels: 0 }
const LAYERS: BasemapLayer[] = ['water', 'roads', 'buildings', 'labels']
export const BASE_PANE = 'zg-base'
export const BASE_LABEL_PANE = 'zg-base-labels'
const CHOICE_KEY = 'zhiguan.basemap'
const DEBOUNCE_MS = 180
const CACHE_SIZE = 48

/** The layers worth asking for at `zoom`: 影像 keeps only the names over the pictures. */
export function layersAt(zoom: number, choice: BasemapChoice = 'vector'): BasemapLayer[] {
  if (choice === 'none') return []
  const z = Math.floor(zoom)
  return LAYERS.filter((l) => z >= LAYER_MIN_ZOOM[l] && (choice === 'vector' || l === 'labels'))
}

// --- the tile grid, as zhiguan.gis.basemap snaps it ------------------------------------------
const MAX_LAT = 85.0511287798

export function tileOf(lng: number, lat: number, zoom: number): [number, number] {
  const n = 2 ** zoom
  const rad = (Math.max(Math.min(lat, MAX_LAT), -MAX_LAT) * Math.PI) / 180
  const x = Math.floor(((lng + 180) / 360) * n)
  const y = Math.floor(((1 - Math.asinh(Math.tan(rad)) / Math.PI) / 2) * n)
  return [Math.min(Math.max(x, 0), n - 1), Math.min(Math.max(y, 0), n - 1)]
}

export function tileBounds(x: number, y: number, zoom: number): Bbox {
  const n = 2 ** zoom
  const lat = (yy: number) => (Math.atan(Math.sinh(Math.PI * (1 - (2 * yy) / n))) * 180) / Math.PI
  return [(x / n) * 360 - 180, lat(y + 1), ((x + 1) / n) * 360 - 180, lat(y)]
}

const r7 = (v: number) => Math.round(v * 1e7) / 1e7

/** The view clipped to the district and grown to whole tiles one zoom coarser than shown. */
export function snapBbox(view: Bbox, zoom: number, district: Bbox | null = null): Bbox {
  let [w, s, e, n] = view
  if (district) {
    const c: Bbox = [Math.max(w, district[0]), Math.max(s, district[1]), Math.min(e, district[2]), Math.min(n, district[3])]
    if (c[0] <= c[2] && c[1] <= c[3]) [w, s, e, n] = c
  }
  const sz = Math.max(Math.floor(zoom) - 1, 0)
  const [x0, y0] = tileOf(w, n, sz)
  const [x1, y1] = tileOf(e, s, sz)
  const a = tileBounds(x0, y0, sz)
  const b = tileBounds(x1, y1, sz)
  return [r7(a[0]), r7(b[1]), r7(b[2]), r7(a[3])]
}

// --- how things are drawn ----------------------------------------------------------------------
const ROAD_BASE_WIDTH: Record<string, number> = { expressway: 13, arterial: 11, secondary: 8, branch: 6, alley: 4 }
const ROAD_FILL: Record<string, string> = {
  expressway: '#f7c873',
  arterial: '#fbe3a4',
  secondary: '#ffffff',
  branch: '#ffffff',
  alley: '#ffffff',
}
const ROAD_CASING: Record<string, string> = {
  expressway: '#d39a3c',
  arterial: '#d9b46a',
  secondary: '#c9c2b6',
  branch: '#cfc9be',
  alley: '#d6d0c6',
}
export const WATER_FILL = '#a9d3e6'
export const BUILDING_FILL = '#dedad3'
export const LAND = '#f3f1ec'

/** A road's fill and casing width in pixels at `zoom` (the casing shows as a thin edge on each side). */
export function roadStyle(roadClass: string, zoom: number): { fill: number; casing: number; color: string; casingColor: string } {
  const base = ROAD_BASE_WIDTH[roadClass] ?? 4
  const major = roadClass === 'arterial' || roadClass === 'expressway'
  const fill = Math.max(base * 2 ** ((zoom - 16) * 0.6), zoom < 12 ? 0.8 : major ? 1.6 : 0.8)
  // A casing from zoom 13 (the roads have room for an edge); further out a faint one, so that
  // the district does not turn into a mesh of lines.
  const edge = zoom >= 13 ? Math.max(1, fill * 0.12) : zoom >= 12 ? 0.5 : 0
  return { fill, casing: fill + 2 * edge, color: ROAD_FILL[roadClass] ?? '#fff', casingColor: ROAD_CASING[roadClass] ?? '#ccc' }
}

// --- names ------------------------------------------------------------------------------------
export interface LabelProps {
  text: string
  kind: string
  rank: number
  angle?: number
}

/** The on-screen box a name takes, turned by its angle (axis-aligned, as declutter compares). */
export function turnedBox(cx: number, cy: number, w: number, h: number, angle = 0): Box {
  const a = (angle * Math.PI) / 180
  const bw = Math.abs(w * Math.cos(a)) + Math.abs(h * Math.sin(a))
  const bh = Math.abs(w * Math.sin(a)) + Math.abs(h * Math.cos(a))
  return { x: cx - bw / 2, y: cy - bh / 2, w: bw, h: bh }
}

/** A name is set upright unless the road is steep: Chinese reads well stacked along a steep road. */
export function vertical(angle: number | undefined): boolean {
  return angle !== undefined && Math.abs(angle) > 60
}

/**
 * Which names to write: the boxes already taken (the map's own area names) first, then the base
 * map's names most important first; the result says, per name, whether it is shown.
 */
export function chooseLabels(taken: Box[], labels: { rank: number; box: Box | null }[]): boolean[] {
  const order = labels.map((_, i) => i).sort((a, b) => labels[b]!.rank - labels[a]!.rank)
  const shown = declutter([...taken, ...order.map((i) => labels[i]!.box)]).slice(taken.length)
  const result = new Array<boolean>(labels.length).fill(false)
  order.forEach((i, k) => (result[i] = shown[k]!))
  return result
}

// --- which background -------------------------------------------------------------------------
export interface Imagery {
  url: string
  maxNativeZoom: number
  attribution: string
  source: 'file' | 'url'
}

/** The 影像 background, when there is one: the base-map file's raster tiles before the tile URL. */
export function imageryOf(c: Pick<ZhiguanRuntimeConfig, 'mapTileUrl' | 'mapTileAttribution'> & Partial<ZhiguanRuntimeConfig>): Imagery | null {
  if (c.mapTileFileUrl) {
    return { url: c.mapTileFileUrl, maxNativeZoom: c.mapTileFileMaxZoom || 18, attribution: c.mapTileFileAttribution ?? '', source: 'file' }
  }
  if (c.mapTileUrl) return { url: c.mapTileUrl, maxNativeZoom: 19, attribution: c.mapTileAttribution, source: 'url' }
  return null
}

/** The background a map starts with: the person's last choice if still possible, else 影像 when there is one. */
export function initialChoice(imagery: Imagery | null, saved: string | null): BasemapChoice {
  if (saved === 'none' || saved === 'vector') return saved
  if (saved === 'imagery' && imagery) return 'imagery'
  return imagery ? 'imagery' : 'vector'
}

// --- fetching ---------------------------------------------------------------------------------
type FC = GeoJSON.FeatureCollection
const cache = new Map<string, Promise<FC>>()
let districtBbox: Promise<Bbox | null> | undefined

export function cacheKey(layer: BasemapLayer, zoom: number, bbox: Bbox): string {
  return `${layer}|${Math.floor(zoom)}|${bbox.join(',')}`
}

async function district(): Promise<Bbox | null> {
  districtBbox ??= fetch('/api/v1/gis/basemap', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : null))
    .then((m: { bbox?: Bbox | null } | null) => m?.bbox ?? null)
    .catch(() => null)
  return districtBbox
}

function load(layer: BasemapLayer, zoom: number, bbox: Bbox, jurisdiction?: string): Promise<FC> {
  const key = `${jurisdiction ?? ''}|${cacheKey(layer, zoom, bbox)}`
  let hit = cache.get(key)
  if (hit) {
    cache.delete(key)
    cache.set(key, hit) // most recently used last
    return hit
  }
  const params = new URLSearchParams({ bbox: bbox.join(','), zoom: String(Math.floor(zoom)) })
  if (jurisdiction) params.set('jurisdiction', jurisdiction)
  const path = jurisdiction ? `/api/v1/gis/public/basemap/${layer}` : `/api/v1/gis/basemap/${layer}`
  hit = fetch(`${path}?${params}`, { credentials: 'same-origin' }).then((r) => {
    if (!r.ok) throw new Error(String(r.status))
    return r.json() as Promise<FC>
  })
  hit.catch(() => cache.delete(key))
  cache.set(key, hit)
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string)
  return hit
}

// --- on the map -------------------------------------------------------------------------------
export interface BasemapOptions {
  /** Write street and community names too (maps that draw none of their own). */
  areaNames?: boolean
  /** The citizen portal (no log-in): the public layers of this district, no imagery. */
  jurisdiction?: string
}

export class DistrictBasemap {
  private readonly renderer: L.Canvas
  private readonly drawn = L.layerGroup()
  private readonly names = L.layerGroup()
  private imageryLayer: L.TileLayer | null = null
  private timer: ReturnType<typeof setTimeout> | undefined
  private generation = 0
  private labels: { marker: L.Marker; props: LabelProps }[] = []
  readonly imagery: Imagery | null
  choice: BasemapChoice
  private readonly schedule = () => {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS)
  }
  private readonly place = () => this.layoutLabels()

  constructor(
    private readonly map: L.Map,
    private readonly options: BasemapOptions = {},
  ) {
    const base = map.getPane(BASE_PANE) ?? map.createPane(BASE_PANE)
    // Above any imagery tiles (tile pane, 200), below the area outlines (overlay pane, 400).
    base.style.zIndex = '250'
    base.style.pointerEvents = 'none'
    const names = map.getPane(BASE_LABEL_PANE) ?? map.createPane(BASE_LABEL_PANE)
    // Under the area names (450) and every marker (600); never takes a click.
    names.style.zIndex = '430'
    names.style.pointerEvents = 'none'
    this.renderer = L.canvas({ pane: BASE_PANE, padding: 0.4 })
    this.imagery = options.jurisdiction ? null : imageryOf(config)
    let saved: string | null = null
    try {
      saved = localStorage.getItem(CHOICE_KEY)
    } catch {
      saved = null
    }
    this.choice = initialChoice(this.imagery, saved)
    // For scripts that look at the map (scripts/shoot_map.py): the container knows its map.
    ;(map.getContainer() as HTMLElement & { zgMap?: L.Map }).zgMap = map
    this.drawn.addTo(map)
    this.names.addTo(map)
    map.on('moveend zoomend', this.schedule)
    map.on('zoomend moveend resize', this.place)
    map.on('unload', () => this.remove())
    map.whenReady(() => this.schedule())
    this.apply()
  }

  setChoice(choice: BasemapChoice): void {
    this.choice = choice
    try {
      localStorage.setItem(CHOICE_KEY, choice)
    } catch {
      // A private window keeps the choice for this page only.
    }
    this.apply()
  }

  private apply(): void {
    const wantImagery = this.choice === 'imagery' && this.imagery
    if (wantImagery && !this.imageryLayer) {
      this.imageryLayer = L.tileLayer(this.imagery!.url, {
        attribution: this.imagery!.attribution,
        maxNativeZoom: this.imagery!.maxNativeZoom,
        maxZoom: 19,
      })
    }
    if (wantImagery) this.imageryLayer!.addTo(this.map)
    else this.imageryLayer?.remove()
    this.map.getContainer().classList.toggle('zg-basemap-vector', this.choice === 'vector')
    this.drawn.clearLayers()
    this.clearLabels()
    if (this.map.getContainer().isConnected && (this.map as unknown as { _loaded?: boolean })._loaded) void this.refresh()
  }

  /** Ask for the layers of the current view (from the cache when it has them) and draw them. */
  async refresh(): Promise<void> {
    const m = this.map
    if (!(m as unknown as { _loaded?: boolean })._loaded) return
    const generation = ++this.generation
    const zoom = Math.floor(m.getZoom())
    const layers = layersAt(zoom, this.choice)
    if (!layers.length) {
      this.drawn.clearLayers()
      this.clearLabels()
      return
    }
    const b = m.getBounds()
    const clip = this.options.jurisdiction ? null : await district()
    const bbox = snapBbox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()], zoom, clip)
    let data: FC[]
    try {
      data = await Promise.all(layers.map((l) => load(l, zoom, bbox, this.options.jurisdiction)))
    } catch {
      return // The map still works without its base map; the next move asks again.
    }
    if (generation !== this.generation || !m.getContainer().isConnected) return
    const byLayer = new Map(layers.map((l, i) => [l, data[i]!]))
    this.draw(byLayer, zoom)
  }

  private draw(data: Map<BasemapLayer, FC>, zoom: number): void {
    this.drawn.clearLayers()
    const renderer = this.renderer
    const water = data.get('water')
    if (water) {
      L.geoJSON(water, {
        renderer,
        interactive: false,
        style: (f) => {
          const line = f?.geometry.type.includes('Line')
          return line
            ? { color: WATER_FILL, weight: Math.max(1.5, 6 * 2 ** ((zoom - 16) * 0.6)), opacity: 1 }
            : { stroke: false, fillColor: WATER_FILL, fillOpacity: 1 }
        },
      } as L.GeoJSONOptions).addTo(this.drawn)
    }
    const buildings = data.get('buildings')
    if (buildings) {
      L.geoJSON(buildings, {
        renderer,
        interactive: false,
        style: () => ({ color: '#c8c1b6', weight: 0.6, fillColor: BUILDING_FILL, fillOpacity: 1 }),
      } as L.GeoJSONOptions).addTo(this.drawn)
    }
    const roads = data.get('roads')
    if (roads) {
      // All casings first, then all fills: crossings join like on a printed map.
      for (const part of ['casing', 'fill'] as const) {
        L.geoJSON(roads, {
          renderer,
          interactive: false,
          style: (f) => {
            const s = roadStyle(String(f?.properties?.road_class ?? ''), zoom)
            return part === 'casing'
              ? { color: s.casingColor, weight: s.casing, opacity: 1, lineCap: 'round', lineJoin: 'round' }
              : { color: s.color, weight: s.fill, opacity: 1, lineCap: 'round', lineJoin: 'round' }
          },
        } as L.GeoJSONOptions).addTo(this.drawn)
      }
    }
    const labels = data.get('labels')
    this.clearLabels()
    if (labels) this.addLabels(labels)
  }

  private clearLabels(): void {
    this.names.clearLayers()
    this.labels = []
  }

  private addLabels(fc: FC): void {
    const areaNames = this.options.areaNames ?? !this.hasOwnAreaNames()
    for (const f of fc.features) {
      const props = f.properties as LabelProps | null
      if (!props?.text || f.geometry.type !== 'Point') continue
      if (!areaNames && (props.kind === 'street' || props.kind === 'community')) continue
      const [lng, lat] = f.geometry.coordinates as [number, number]
      const span = document.createElement('span')
      span.textContent = props.text // data: text, never markup
      const kind = props.kind.startsWith('road:') ? 'road' : props.kind
      const up = vertical(props.angle)
      if (kind === 'road' && !up && props.angle) span.style.transform = `translate(-50%, -50%) rotate(${props.angle}deg)`
      const marker = L.marker([lat, lng], {
        icon: L.divIcon({
          className: `zg-base-label zg-base-label-${kind}${kind === 'road' ? ` zg-base-label-${props.kind.slice(5)}` : ''}${up ? ' zg-base-label-vertical' : ''}`,
          html: span,
          iconSize: undefined,
        }),
        interactive: false,
        keyboard: false,
        pane: BASE_LABEL_PANE,
      })
      marker.addTo(this.names)
      this.labels.push({ marker, props })
    }
    this.layoutLabels()
  }

  /** Whether the map writes street names itself (AreaLabels): then the base map leaves them out. */
  private hasOwnAreaNames(): boolean {
    return !!this.map.getContainer().querySelector('.zg-area-label')
  }

  layoutLabels(): void {
    const m = this.map
    if (!m.getContainer().isConnected || !this.labels.length) return
    const size = m.getSize()
    // The map's own area names are placed first (AreaLabels): the base map's names keep clear of them.
    const taken: Box[] = []
    const origin = m.getContainer().getBoundingClientRect()
    m.getContainer()
      .querySelectorAll<HTMLElement>('.zg-area-label > span, .zg-street-name')
      .forEach((el) => {
        if (getComputedStyle(el).visibility === 'hidden') return
        const r = el.getBoundingClientRect()
        if (r.width) taken.push({ x: r.left - origin.left, y: r.top - origin.top, w: r.width, h: r.height })
      })
    const items = this.labels.map(({ marker, props }) => {
      const el = marker.getElement()?.firstElementChild as HTMLElement | null | undefined
      if (!el) return { rank: props.rank, box: null }
      const p = m.latLngToContainerPoint(marker.getLatLng())
      const up = vertical(props.angle)
      const angle = props.kind.startsWith('road:') && !up ? props.angle ?? 0 : 0
      const box = turnedBox(p.x, p.y, el.offsetWidth, el.offsetHeight, angle)
      const outside = box.x < 0 || box.y < 0 || box.x + box.w > size.x || box.y + box.h > size.y
      return { rank: props.rank, box: outside ? null : box }
    })
    chooseLabels(taken, items).forEach((show, i) => {
      const el = this.labels[i]!.marker.getElement()
      if (el) el.style.visibility = show ? '' : 'hidden'
    })
  }

  remove(): void {
    clearTimeout(this.timer)
    this.map.off('moveend zoomend', this.schedule)
    this.map.off('zoomend moveend resize', this.place)
    this.drawn.remove()
    this.names.remove()
    this.imageryLayer?.remove()
  }
}

/** The 底图 switch: 矢量底图 / 影像 (when there is a tile file or URL) / 无. */
export function basemapControl(base: DistrictBasemap, t: (key: string) => string): L.Control {
  const Control = L.Control.extend({
    onAdd() {
      const box = L.DomUtil.create('div', 'leaflet-bar zg-basemap-switch')
      L.DomEvent.disableClickPropagation(box)
      L.DomEvent.disableScrollPropagation(box)
      const choices: BasemapChoice[] = base.imagery ? ['vector', 'imagery', 'none'] : ['vector', 'none']
      const title = L.DomUtil.create('span', 'zg-basemap-title', box)
      title.textContent = t('basemap.title')
      const buttons = choices.map((c) => {
        const b = L.DomUtil.create('button', 'zg-basemap-choice', box) as HTMLButtonElement
        b.type = 'button'
        b.textContent = t(`basemap.${c}`)
        b.setAttribute('aria-pressed', String(base.choice === c))
        b.addEventListener('click', () => {
          base.setChoice(c)
          buttons.forEach((o, i) => o.setAttribute('aria-pressed', String(choices[i] === c)))
        })
        return b
      })
      return box
    },
  })
  return new Control({ position: 'topright' })
}

/** The district's base map and its switch on `map` (createDistrictMap calls this unless told not to). */
export function addBasemap(map: L.Map, t: (key: string) => string, options: BasemapOptions = {}): DistrictBasemap {
  const base = new DistrictBasemap(map, options)
  basemapControl(base, t).addTo(map)
  return base
}
