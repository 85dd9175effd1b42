// The citizen portal (web/citizen.html): its own small bundle, served by Django at / and the paths
// listed in ./router.ts. No log-in, no console around it, no ECharts; Leaflet only with the map.
import { createApp } from 'vue'
import App from './App.vue'
import { useElements } from './elements'
import { i18n } from './i18n'
import { router } from './router'
import './citizen.css'

document.documentElement.lang = i18n.global.locale.value
useElements(createApp(App)).use(i18n).use(router).mount('#app')
