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
}

interface Window {
  __ZHIGUAN__?: Partial<ZhiguanRuntimeConfig>
}
