import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import * as icons from '@element-plus/icons-vue'
import App from './App.vue'
import { configureClient } from './api/client'
import { apiLanguage, i18n } from './i18n'
import { router } from './router'
import { forget } from './session'
import './styles.css'

configureClient({
  language: apiLanguage,
  fallbackMessage: (status) =>
    status ? i18n.global.t('errors.http', { status }) : i18n.global.t('errors.network'),
  onUnauthenticated: () => {
    forget()
    if (router.currentRoute.value.name !== 'login') {
      void router.push({ name: 'login', query: { next: router.currentRoute.value.fullPath } })
    }
  },
})

document.documentElement.lang = i18n.global.locale.value
const app = createApp(App)
for (const [name, component] of Object.entries(icons)) app.component(`Icon${name}`, component)
app.use(ElementPlus).use(i18n).use(router).mount('#app')
