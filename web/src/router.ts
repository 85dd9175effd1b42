import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { MENU, canSee, homeFor, itemForPath } from './menu'
import { ensureMe } from './session'

const screens: Record<string, () => Promise<unknown>> = {
  intake: () => import('./views/IntakeView.vue'),
  dispatch: () => import('./views/DispatchView.vue'),
  supervision: () => import('./views/SupervisionView.vue'),
  workbench: () => import('./views/WorkbenchView.vue'),
  field: () => import('./views/FieldView.vue'),
  cases: () => import('./views/CaseListView.vue'),
  caseMap: () => import('./views/CaseMapView.vue'),
  map: () => import('./views/MapView.vue'),
  departments: () => import('./views/DepartmentsView.vue'),
  people: () => import('./views/PeopleView.vue'),
  calendar: () => import('./views/CalendarView.vue'),
  categories: () => import('./views/CategoriesView.vue'),
  admin: () => import('./views/AdminView.vue'),
  routing: () => import('./views/RoutingView.vue'),
  registries: () => import('./views/DataCentreView.vue'),
  knowledge: () => import('./views/KnowledgeView.vue'),
  systems: () => import('./views/SystemsView.vue'),
  open311: () => import('./views/Open311View.vue'),
  channelMappings: () => import('./views/ChannelMappingsView.vue'),
  optOuts: () => import('./views/OptOutsView.vue'),
  models: () => import('./views/ModelsView.vue'),
  autoMerges: () => import('./views/AutoMergesView.vue'),
  dashboard: () => import('./views/DashboardView.vue'),
  forecasts: () => import('./views/ForecastsView.vue'),
  evaluation: () => import('./views/EvaluationView.vue'),
  hotIssues: () => import('./views/HotIssuesView.vue'),
  reports: () => import('./views/ReportsView.vue'),
}

const consoleChildren: RouteRecordRaw[] = [
  { path: '', name: 'home', component: { render: () => null } },
  { path: 'welcome', name: 'welcome', component: () => import('./views/WelcomeView.vue') },
  { path: 'case/:number', name: 'case', component: () => import('./views/CaseView.vue'), props: true },
  // One screen per registry (its list, map, record drawer, import); guarded by the 数据中心 menu item.
  { path: 'registries/:registry', name: 'registry', component: () => import('./views/RegistryView.vue'), props: true },
  ...MENU.map(
    (item): RouteRecordRaw => ({
      path: item.path.replace('/console/', ''),
      name: item.key,
      component: screens[item.key]!,
    }),
  ),
]

export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/console' },
  { path: '/console/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  // The citizen's pages are their own small app at / (web/citizen.html); old links still work.
  {
    path: '/console/citizen',
    name: 'citizen',
    component: { render: () => null },
    meta: { public: true },
    beforeEnter: (to) => {
      window.location.replace(`/${to.fullPath.includes('?') ? to.fullPath.slice(to.fullPath.indexOf('?')) : ''}`)
      return false
    },
  },
  { path: '/console', component: () => import('./layouts/ConsoleLayout.vue'), children: consoleChildren },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('./views/NotFoundView.vue'), meta: { public: true } },
]

export const router = createRouter({ history: createWebHistory('/'), routes })

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const person = await ensureMe()
  if (!person) return { name: 'login', query: to.fullPath !== '/console' ? { next: to.fullPath } : {} }
  if (to.name === 'home') return homeFor(person)
  const item = itemForPath(to.path)
  if (item && !canSee(item, person)) return homeFor(person)
  return true
})
