// Settings the server puts into index.html (zhiguan.views.console): nothing is fetched from outside.
const defaults: ZhiguanRuntimeConfig = {
  mapTileUrl: '',
  mapTileAttribution: '',
  adminUrl: '/admin/',
  apiDocsUrl: '/api/v1/docs',
  jurisdiction: null,
}

export const config: ZhiguanRuntimeConfig = { ...defaults, ...(window.__ZHIGUAN__ ?? {}) }
