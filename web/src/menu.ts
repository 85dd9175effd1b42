// The side menu and each role's home screen, decided from the person's roles and permissions.
// A screen is listed when the person holds any of its permissions (action codes from
// /api/v1/auth/me) or any of its roles. The case screens use roles until the cases API
// publishes their action codes.

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
  /** Shown only while the screen is a placeholder. */
  placeholder?: boolean
}

export const MENU: MenuItem[] = [
  { key: 'intake', path: '/console/intake', icon: 'Headset', group: 'work', anyRole: ['intake_operator', 'admin'], placeholder: true },
  { key: 'dispatch', path: '/console/dispatch', icon: 'Promotion', group: 'work', anyRole: ['dispatcher', 'admin'], placeholder: true },
  { key: 'supervision', path: '/console/supervision', icon: 'AlarmClock', group: 'work', anyRole: ['supervisor', 'admin'], placeholder: true },
  { key: 'workbench', path: '/console/workbench', icon: 'Briefcase', group: 'work', anyRole: ['handler', 'admin'], placeholder: true },
  { key: 'field', path: '/console/field', icon: 'Camera', group: 'work', anyRole: ['inspector', 'admin'], placeholder: true },
  { key: 'dashboard', path: '/console/dashboard', icon: 'DataLine', group: 'work', anyRole: ['leader', 'admin'], placeholder: true },
  { key: 'map', path: '/console/map', icon: 'MapLocation', group: 'data', anyPermission: ['geo.view'] },
  { key: 'departments', path: '/console/departments', icon: 'OfficeBuilding', group: 'data', anyPermission: ['department.view'] },
  { key: 'people', path: '/console/people', icon: 'User', group: 'data', anyPermission: ['person.view'] },
  { key: 'calendar', path: '/console/calendar', icon: 'Calendar', group: 'data', anyPermission: ['calendar.view'] },
  { key: 'categories', path: '/console/categories', icon: 'CollectionTag', group: 'data', anyPermission: ['taxonomy.view'] },
  { key: 'admin', path: '/console/admin', icon: 'Setting', group: 'admin', anyRole: ['admin'], anyPermission: ['department.manage', 'person.manage', 'client.manage', 'audit.view'] },
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
  ['leader', 'dashboard'],
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
