/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

const page = (name: string) => fileURLToPath(new URL(name, import.meta.url))

// Large libraries that one page uses whole in chunks of their own: cached apart from the app code
// that changes with every release, and downloaded only by a page that imports them (the citizen
// portal never loads the console's charts, and Leaflet only with its map). Element Plus is left to
// the automatic split on purpose: the console registers all of it, the portal a dozen components,
// and one element-plus chunk would make the portal download the console's whole set (decision 067).
// Rolldown's `codeSplitting.groups` is Vite 8's form of `manualChunks`.
const LIBRARY_CHUNKS = [
  { name: 'echarts', test: /[\\/]node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
  { name: 'leaflet', test: /[\\/]node_modules[\\/]leaflet[\\/]/, priority: 30 },
  { name: 'vue', test: /[\\/]node_modules[\\/](vue|@vue|vue-router|vue-i18n|@intlify)[\\/]/, priority: 10 },
]

// Built into web/dist; Django collects it under /static/console/ (compressed, hashed names cached
// for a year) and serves the two pages itself (zhiguan.views): citizen.html, the citizen portal, at
// / and its public paths; index.html, the staff console, at /console/... One server, no other.
export default defineConfig({
  base: '/static/console/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      input: { console: page('index.html'), citizen: page('citizen.html') },
      output: { codeSplitting: { groups: LIBRARY_CHUNKS } },
    },
  },
  server: {
    // `npm run dev` against a local `make run` on port 8000.
    proxy: { '/api': 'http://127.0.0.1:8000', '/admin': 'http://127.0.0.1:8000' },
  },
  test: {
    environment: 'happy-dom',
    include: ['tests/**/*.test.ts'],
  },
})
