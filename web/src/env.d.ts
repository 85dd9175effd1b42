declare module '*.vue' {
  import type { DefineComponent } from 'vue'
  const component: DefineComponent<object, object, unknown>
  export default component
}

interface ZhiguanRuntimeConfig {
  mapTileUrl: string
  mapTileAttribution: string
  adminUrl: string
  apiDocsUrl: string
  /** The district's code when the installation serves exactly one (the citizen pages' default). */
  jurisdiction: string | null
}
