// Every map of the console is made here: Leaflet's controls in the person's language, the
// district's own outlines credited instead of "Leaflet", tiles only when the administrator set
// some (never from outside), and the names of streets and communities written on the map.
import L from 'leaflet'
import { config } from '../config'
import { i18n } from '../i18n'
import { me } from '../session'
import './districtMap.css'
import { declutter } from './declutter'
import { addBasemap, type BasemapOptions } from './basemap'

export type LabelLevel = 'street' | 'community'

/** Below this zoom a community is too small on screen to carry its name. */
export const COMMUNITY_LABEL_ZOOM = 12
const LABEL_PANE = 'zg-labels'

export interface MapOptions {
  minZoom?: number
  maxZoom?: number
  keyboard?: boolean
  /** The district's own base map (roads, water, buildings, names) and its 底图 switch; false: none. */
  basemap?: boolean | BasemapOptions
}

/** A Leaflet map of the district: Chinese (or English) zoom buttons and credit line, no outside tiles. */
export function createDistrictMap(el: HTMLElement, options: MapOptions = {}): L.Map {
  const { t } = i18n.global
  const m = L.map(el, {
    zoomControl: false,
    attributionControl: false,
    minZoom: options.minZoom ?? 8,
    maxZoom: options.maxZoom ?? 19,
    zoomSnap: 0.25,
    keyboard: options.keyboard ?? true,
  })
  L.control.zoom({ zoomInTitle: t('mapUi.zoomIn'), zoomOutTitle: t('mapUi.zoomOut') }).addTo(m)
  const district = me.value?.jurisdiction_name || config.jurisdiction || t('mapUi.ourDistrict')
  L.control.attribution({ prefix: t('mapUi.attribution', { district }) }).addTo(m)
  if (options.basemap === false) {
    if (config.mapTileUrl) L.tileLayer(config.mapTileUrl, { attribution: config.mapTileAttribution, maxZoom: 19 }).addTo(m)
  } else {
    // Tiles (the base-map file's, else the tile URL's) or the district's own vector layers.
    addBasemap(m, (key) => t(key), options.basemap === true || options.basemap === undefined ? {} : options.basemap)
  }
  const pane = m.createPane(LABEL_PANE)
  // Above the outlines (overlay pane, 400), below points (marker pane, 600); never takes a click.
  pane.style.zIndex = '450'
  pane.style.pointerEvents = 'none'
  // A map laid out before its card has its final size (a side panel loading, a phone's layout)
  // would keep drawing into the first size: tell Leaflet whenever the container changes.
  if (typeof ResizeObserver !== 'undefined') {
    const observer = new ResizeObserver(() => m.invalidateSize())
    observer.observe(el)
    m.on('unload', () => observer.disconnect())
  }
  return m
}

export { declutter, type Box } from './declutter'

interface Label {
  level: LabelLevel
  marker: L.Marker
  /** On-screen size of the area when the labels were last placed: larger areas win a conflict. */
  weight: number
  bounds: L.LatLngBounds
}

/**
 * The names of streets (at every zoom) and communities (from COMMUNITY_LABEL_ZOOM) written at each
 * area's label point (the server's pole of inaccessibility, else the centre of its outline), with
 * overlapping names dropped: streets before communities, larger areas before smaller ones.
 */
export class AreaLabels {
  private labels: Label[] = []
  private hidden = new Set<LabelLevel>()
  private readonly place = () => this.layout()

  constructor(private readonly map: L.Map) {
    map.on('zoomend moveend resize', this.place)
  }

  add(level: LabelLevel, fc: GeoJSON.FeatureCollection): void {
    for (const f of fc.features) {
      const props = (f.properties ?? {}) as { name?: string; label?: [number, number] }
      if (!props.name) continue
      const bounds = L.geoJSON(f).getBounds()
      if (!bounds.isValid()) continue
      const at = props.label ? L.latLng(props.label[1], props.label[0]) : bounds.getCenter()
      const text = document.createElement('span')
      // The name is data: text, never markup.
      text.textContent = props.name
      const marker = L.marker(at, {
        icon: L.divIcon({ className: `zg-area-label zg-area-label-${level}`, html: text, iconSize: undefined }),
        interactive: false,
        keyboard: false,
        pane: LABEL_PANE,
      })
      this.labels.push({ level, marker, weight: 0, bounds })
    }
    this.layout()
  }

  /** Show or hide one level's names (a map whose layer switch turns communities off). */
  show(level: LabelLevel, on: boolean): void {
    if (on) this.hidden.delete(level)
    else this.hidden.add(level)
    this.layout()
  }

  layout(): void {
    const m = this.map
    if (!m.getContainer().isConnected) return
    const zoom = m.getZoom()
    const size = m.getSize()
    const wanted = this.labels.filter(
      (l) => !this.hidden.has(l.level) && (l.level === 'street' || zoom >= COMMUNITY_LABEL_ZOOM) && m.getBounds().intersects(l.bounds),
    )
    for (const l of this.labels) if (!wanted.includes(l)) l.marker.remove()
    for (const l of wanted) {
      const ne = m.latLngToContainerPoint(l.bounds.getNorthEast())
      const sw = m.latLngToContainerPoint(l.bounds.getSouthWest())
      l.weight = Math.abs(ne.x - sw.x) * Math.abs(ne.y - sw.y)
      if (!m.hasLayer(l.marker)) l.marker.addTo(m)
    }
    wanted.sort((a, b) => (a.level === b.level ? b.weight - a.weight : a.level === 'street' ? -1 : 1))
    const boxes = wanted.map((l) => {
      const el = l.marker.getElement()?.firstElementChild as HTMLElement | null | undefined
      if (!el) return null
      const p = m.latLngToContainerPoint(l.marker.getLatLng())
      const w = el.offsetWidth
      const h = el.offsetHeight
      // A name running over the map's edge moves inward by up to half its width (it still sits
      // on its area: a narrow street at the border keeps its name); further out it is not written.
      const x = p.x - w / 2
      const shift = Math.min(Math.max(x, 0), Math.max(size.x - w, 0)) - x
      const y = p.y - h / 2
      if (Math.abs(shift) > w / 2 || y < 0 || y + h > size.y) return null
      el.style.left = `${shift}px`
      return { x: x + shift, y, w, h }
    })
    declutter(boxes).forEach((show, i) => {
      const el = wanted[i]!.marker.getElement()
      if (el) el.style.visibility = show ? '' : 'hidden'
    })
  }

  remove(): void {
    this.map.off('zoomend moveend resize', this.place)
    for (const l of this.labels) l.marker.remove()
    this.labels = []
  }
}
