// Extra pieces a registry's own app adds to the generic registry screens, by registry key.
//
// - `DETAIL_TABS[key]`: tabs of the record drawer shown after the built-in ones (详情, 历史).
//   Each component receives the prop `record` (the RegistryRecord shown, as of the chosen date)
//   and `registry` (the RegistryMeta of its registry); it loads what it needs itself.
// - `LIST_SECTIONS[key]`: sections shown above the registry's list (e.g. 反复发生的部件 for city
//   components); each receives the prop `registry` (RegistryMeta) and may emit `open` with a record
//   id to open that record's drawer.
//
// Components are loaded lazily (`() => import('...')`): a registry screen downloads only its own.
// Each app adds its own lines below, one entry per key; keep the file small and declarative.
import type { Component } from 'vue'

export type LazyComponent = () => Promise<Component | { default: Component }>

export interface RegistryExtension {
  /** Stable name (the tab's name, used in ?tab=<name> links). */
  name: string
  /** i18n key of the tab's or section's title, in the app's own i18n block. */
  labelKey: string
  component: LazyComponent
}

export const DETAIL_TABS: Record<string, RegistryExtension[]> = {
  // H8: a component's cases (docs/decisions/074)
  components: [{ name: 'cases', labelKey: 'componentCases.tab', component: () => import('../ComponentCases.vue') }],
}

export const LIST_SECTIONS: Record<string, RegistryExtension[]> = {
  // H8: the components with repeated problems (反复发生)
  components: [{ name: 'recurring', labelKey: 'componentCases.recurring', component: () => import('../RecurringComponents.vue') }],
}

export function detailTabsFor(key: string): RegistryExtension[] {
  return DETAIL_TABS[key] ?? []
}

export function listSectionsFor(key: string): RegistryExtension[] {
  return LIST_SECTIONS[key] ?? []
}
