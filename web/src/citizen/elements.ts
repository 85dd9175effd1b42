// The few Element Plus components the portal uses, each with its own CSS (no full Element Plus:
// the citizen bundle stays small on a slow phone).
import type { App } from 'vue'
import { ElAlert, ElButton, ElCheckbox, ElConfigProvider, ElInput, ElOption, ElRadioButton, ElRadioGroup, ElSelect, ElTag, ElTimeline, ElTimelineItem } from 'element-plus'
import 'element-plus/es/components/alert/style/css'
import 'element-plus/es/components/button/style/css'
import 'element-plus/es/components/checkbox/style/css'
import 'element-plus/es/components/config-provider/style/css'
import 'element-plus/es/components/input/style/css'
import 'element-plus/es/components/option/style/css'
import 'element-plus/es/components/radio-button/style/css'
import 'element-plus/es/components/radio-group/style/css'
import 'element-plus/es/components/select/style/css'
import 'element-plus/es/components/tag/style/css'
import 'element-plus/es/components/timeline/style/css'
import 'element-plus/es/components/timeline-item/style/css'

const COMPONENTS = [ElAlert, ElButton, ElCheckbox, ElConfigProvider, ElInput, ElOption, ElRadioButton, ElRadioGroup, ElSelect, ElTag, ElTimeline, ElTimelineItem]

export function useElements(app: App): App {
  for (const c of COMPONENTS) app.component(c.name!, c)
  return app
}
