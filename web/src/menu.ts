// The side menu and each role's home screen, decided from the person's roles and permissions.
// A screen is listed when the person holds any of its permissions (action codes from
// /api/v1/auth/me) or any of its roles. The case screens go by role (each is one role's work);
// the case page itself (/console/case/<number>) belongs to no menu item: every role with
// case.view opens it, and the server decides what it shows.

export interface Person {
  roles: string[]
  permissions: Record<string, string>
}

export interface MenuItem {
  /** Route name, and the i18n key `menu.<key>`. */
  key: string
  path: string
  icon: string
  group: 'work' | 'data' | 'admin'
  anyPermission?: string[]
  anyRole?: string[]
}

export const MENU: MenuItem[] = [
  { key: 'intake', path: '/console/intake', icon: 'Headset', group: 'work', anyRole: ['intake_operator', 'admin'] },
  { key: 'dispatch', path: '/console/dispatch', icon: 'Promotion', group: 'work', anyRole: ['dispatcher', 'supervisor', 'admin'] },
  { key: 'supervision', path: '/console/supervision', icon: 'AlarmClock', group: 'work', anyRole: ['supervisor', 'leader', 'admin'] },
  { key: 'workbench', path: '/console/workbench', icon: 'Briefcase', group: 'work', anyRole: ['handler', 'admin'] },
  { key: 'field', path: '/console/field', icon: 'Camera', group: 'work', anyRole: ['inspector', 'admin'] },
  // 城市运行仪表盘 (issue 13): the large dark screen; the server narrows it to the person's data scope.
  { key: 'dashboard', path: '/console/dashboard', icon: 'DataBoard', group: 'work', anyRole: ['leader', 'supervisor', 'dispatcher', 'admin'] },
  // 预测预警 (issue 13): volume forecasts and early-warning alerts; the server narrows them to the data scope.
  { key: 'forecasts', path: '/console/forecasts', icon: 'TrendCharts', group: 'work', anyRole: ['leader', 'supervisor', 'dispatcher', 'admin'] },
  // 部门考评 (issue 13): the monthly ranking; every reader of supervision sees it (a published ranking is for all).
  { key: 'evaluation', path: '/console/evaluation', icon: 'Trophy', group: 'work', anyRole: ['leader', 'supervisor', 'dispatcher', 'admin'], anyPermission: ['evaluation.publish', 'evaluation.manage'] },
  { key: 'cases', path: '/console/cases', icon: 'Tickets', group: 'work', anyRole: ['dispatcher', 'supervisor', 'leader', 'admin'] },
  { key: 'caseMap', path: '/console/case-map', icon: 'Location', group: 'work', anyRole: ['dispatcher', 'supervisor', 'leader', 'admin'] },
  // 热点问题 (issue 12): requests about the same matter, ranked by heat; the server narrows to the data scope.
  { key: 'hotIssues', path: '/console/hot-issues', icon: 'Histogram', group: 'work', anyRole: ['leader', 'supervisor', 'dispatcher', 'admin'] },
  // 月度报告 (issue 13): the monthly comprehensive analysis report; the server narrows it to the data scope.
  { key: 'reports', path: '/console/reports', icon: 'Document', group: 'work', anyRole: ['leader', 'supervisor', 'admin'] },
  { key: 'map', path: '/console/map', icon: 'MapLocation', group: 'data', anyPermission: ['geo.view'] },
  // 数据中心: the base registries (standard addresses, roads, POIs, components, cameras…) and one screen each.
  { key: 'registries', path: '/console/registries', icon: 'Files', group: 'data', anyPermission: ['registry.view'] },
  { key: 'departments', path: '/console/departments', icon: 'OfficeBuilding', group: 'data', anyPermission: ['department.view'] },
  { key: 'people', path: '/console/people', icon: 'User', group: 'data', anyPermission: ['person.view'] },
  { key: 'calendar', path: '/console/calendar', icon: 'Calendar', group: 'data', anyPermission: ['calendar.view'] },
  { key: 'categories', path: '/console/categories', icon: 'CollectionTag', group: 'data', anyPermission: ['taxonomy.view'] },
  // 知识库: every desk reads it (consultations are answered from it); taxonomy.manage edits it.
  { key: 'knowledge', path: '/console/knowledge', icon: 'Reading', group: 'data', anyRole: ['intake_operator', 'dispatcher', 'supervisor', 'admin'], anyPermission: ['taxonomy.manage'] },
  // Open311 clients' keys (client.manage, the administrator's) and the services' questions
  // (taxonomy.manage); each tab shows only to those who may use it.
  { key: 'open311', path: '/console/open311', icon: 'Key', group: 'admin', anyRole: ['admin'], anyPermission: ['taxonomy.manage'] },
  // Video / drone / sensor event type → category (taxonomy.manage edits; taxonomy.view reads).
  { key: 'channelMappings', path: '/console/channel-mappings', icon: 'VideoCamera', group: 'admin', anyPermission: ['taxonomy.manage'] },
  // A caller's wish for no more SMS, recorded at the desk (personal data: case.reveal).
  // Classification model versions, their figures and threshold (classification.manage).
  { key: 'models', path: '/console/models', icon: 'MagicStick', group: 'admin', anyPermission: ['classification.manage'] },
  // 自动合并复核 (docs/decisions/087): supervisors review automatic merges; duplicates.manage sets it.
  { key: 'autoMerges', path: '/console/auto-merges', icon: 'CopyDocument', group: 'work', anyRole: ['supervisor'], anyPermission: ['duplicates.manage'] },
  { key: 'optOuts', path: '/console/opt-outs', icon: 'MuteNotification', group: 'work', anyPermission: ['case.reveal'] },
  // Reading the rules and trying them is desk work too; only routing.manage edits them.
  { key: 'routing', path: '/console/routing', icon: 'Guide', group: 'admin', anyRole: ['dispatcher', 'supervisor', 'leader', 'admin'], anyPermission: ['routing.manage'] },
  // Only for those who maintain something there: a leader's audit.view alone opens nothing in it.
  // 对接系统: the six integrated systems, their mappings, the callback outbox and dead letters.
  { key: 'systems', path: '/console/systems', icon: 'Connection', group: 'admin', anyPermission: ['client.manage'] },
  { key: 'admin', path: '/console/admin', icon: 'Setting', group: 'admin', anyRole: ['admin'], anyPermission: ['department.manage', 'person.manage', 'client.manage', 'taxonomy.manage'] },
]

export function canSee(item: Pick<MenuItem, 'anyPermission' | 'anyRole'>, person: Person | null): boolean {
  if (!person) return false
  if (!item.anyPermission && !item.anyRole) return true
  const byPermission = (item.anyPermission ?? []).some((p) => p in person.permissions)
  const byRole = (item.anyRole ?? []).some((r) => person.roles.includes(r))
  return byPermission || byRole
}

export function menuFor(person: Person | null): MenuItem[] {
  return MENU.filter((item) => canSee(item, person))
}

// The screen each role starts its day on, in order of precedence for people with several roles.
const ROLE_HOME: [role: string, key: string][] = [
  ['intake_operator', 'intake'],
  ['dispatcher', 'dispatch'],
  ['supervisor', 'supervision'],
  ['handler', 'workbench'],
  ['inspector', 'field'],
  // Until the operations dashboard lands (the evaluation issue), a leader starts on the case map.
  ['leader', 'caseMap'],
  ['data_officer', 'map'],
  ['admin', 'admin'],
]

/** Path of the person's home screen: their role's work, else the first screen they may see. */
export function homeFor(person: Person | null): string {
  if (!person) return '/console/login'
  const visible = menuFor(person)
  for (const [role, key] of ROLE_HOME) {
    const item = visible.find((i) => i.key === key)
    if (person.roles.includes(role) && item) return item.path
  }
  return visible[0]?.path ?? '/console/welcome'
}

/** The menu item a route path belongs to (for guarding direct links). */
export function itemForPath(path: string): MenuItem | undefined {
  return MENU.find((i) => path === i.path || path.startsWith(`${i.path}/`))
}
