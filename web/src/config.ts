// Settings the server puts into index.html (zhiguan.views.console) as a JSON data block: read, never
// run, so that the Content-Security-Policy needs no inline script. Nothing is fetched from outside.
const defaults: ZhiguanRuntimeConfig = {
  mapTileUrl: '',
  mapTileAttribution: '',
  mapTileFileUrl: '',
  mapTileFileMaxZoom: 0,
  mapTileFileAttribution: '',
  adminUrl: '/admin/',
  apiDocsUrl: '/api/v1/docs',
  jurisdiction: null,
}

export function readRuntimeConfig(doc: Document = document): ZhiguanRuntimeConfig {
  const text = doc.getElementById('zhiguan-config')?.textContent
  if (!text) return { ...defaults }
  try {
    return { ...defaults, ...(JSON.parse(text) as Partial<ZhiguanRuntimeConfig>) }
  } catch {
    return { ...defaults }
  }
}

export const config: ZhiguanRuntimeConfig = readRuntimeConfig()
