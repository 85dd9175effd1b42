// Records of a registry on a Leaflet map: points as circle markers, lines and areas as shapes.
// Shared by the registry's map view, the record's small map and the point picker.
import L from 'leaflet'
import { areasGeojson } from './refdata'
import type { RegistryRecord } from './registry'

export const RECORD_COLOR = '#1767d3'
export const RETIRED_COLOR = '#909399'
export const SELECTED_COLOR = '#d03050'

export function recordStyle(record: Pick<RegistryRecord, 'retired_at'>, selected = false): L.PathOptions {
  const color = selected ? SELECTED_COLOR : record.retired_at ? RETIRED_COLOR : RECORD_COLOR
  return { color, weight: selected ? 4 : 2.5, fillColor: color, fillOpacity: selected ? 0.35 : 0.18, dashArray: record.retired_at ? '4 3' : undefined }
}

/** The layer of one record, or null when it has no place (no coordinates, no geometry). */
export function recordLayer(record: RegistryRecord, selected = false): L.Layer | null {
  const style = recordStyle(record, selected)
  if (record.geometry && record.geometry.type !== 'Point') {
    return L.geoJSON(record.geometry as GeoJSON.GeoJsonObject, { style: () => style })
  }
  let lng = record.lng
  let lat = record.lat
  if ((lng === null || lat === null) && record.geometry?.type === 'Point') [lng, lat] = record.geometry.coordinates as [number, number]
  if (lng === null || lat === null || lng === undefined || lat === undefined) return null
  return L.circleMarker([lat, lng], { ...style, radius: selected ? 8 : 5, weight: selected ? 3 : 1.5, fillOpacity: 0.85 })
}

/** The bounds of a layer (a marker's point as a tiny box). */
export function layerBounds(layer: L.Layer): L.LatLngBounds | null {
  if (layer instanceof L.CircleMarker) {
    const p = layer.getLatLng()
    return L.latLngBounds(p, p)
  }
  if (layer instanceof L.FeatureGroup) {
    const b = layer.getBounds()
    return b.isValid() ? b : null
  }
  return null
}

/** The district's street outlines under the records, and the view fitted to them. */
export async function drawDistrict(map: L.Map, fit = true): Promise<L.LatLngBounds | null> {
  try {
    const streets = await areasGeojson('street')
    const layer = L.geoJSON(streets, { style: () => ({ color: '#0f3a66', weight: 1.2, fill: false, opacity: 0.55 }), interactive: false })
    layer.addTo(map)
    const bounds = layer.getBounds()
    if (fit && bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8], animate: false })
    return bounds.isValid() ? bounds : null
  } catch {
    if (fit) map.setView([30.3, 120.4], 11)
    return null
  }
}

/** The map's view as the list's bbox filter: [minLng, minLat, maxLng, maxLat]. */
export function viewBbox(map: L.Map): [number, number, number, number] {
  const b = map.getBounds()
  return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
}
