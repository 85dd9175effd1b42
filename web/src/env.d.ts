declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface ZhiguanRuntimeConfig {
  mapTileUrl: string
  mapTileAttribution: string
  /** The base-map file's raster tiles (/api/v1/gis/tiles/{z}/{x}/{y}) when one is configured, else ''. */
  mapTileFileUrl?: string
  mapTileFileMaxZoom?: number
  mapTileFileAttribution?: string
  adminUrl: string
  apiDocsUrl: string
  /** The district's code when the installation serves exactly one (the citizen pages' default). */
  jurisdiction: string | null
}
