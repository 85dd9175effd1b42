import { computed, createApp, defineComponent, h } from 'vue'
import ElementPlus, { ElRadioGroup, provideGlobalConfig } from 'element-plus'
import 'element-plus/dist/index.css'
import * as icons from '@element-plus/icons-vue'
import App from './App.vue'
import { configureClient } from './api/client'
import { apiLanguage, elementLocale, i18n } from './i18n'
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
app.use(ElementPlus).use(i18n).use(router)
// Element Plus in the console's language app-wide, not only inside <el-config-provider>: message
// boxes, notifications and confirmations opened from code ("OK"/"Cancel") render outside it.
provideGlobalConfig(computed(() => ({ locale: elementLocale.value })), app, true)
// A radio group without a label of its own is announced as Element Plus's English "radio-group";
// every <el-radio-group> gets a name in the console's language unless its screen gives one.
app.component(
  'ElRadioGroup',
  defineComponent({
    name: 'ZgRadioGroup',
    inheritAttrs: false,
    setup: (_props, { attrs, slots }) => () => h(ElRadioGroup, { 'aria-label': i18n.global.t('a11y.choices'), ...attrs }, slots),
  }),
)
app.mount('#app')
