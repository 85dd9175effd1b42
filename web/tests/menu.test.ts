import { describe, expect, it } from 'vitest'
import { homeFor, menuFor, type Person } from '../src/menu'

const VIEW_BASICS = { 'department.view': 'jurisdiction', 'geo.view': 'jurisdiction', 'taxonomy.view': 'jurisdiction', 'calendar.view': 'jurisdiction' }

function person(roles: string[], extra: Record<string, string> = {}): Person {
  return { roles, permissions: { ...VIEW_BASICS, ...extra } }
}

const keys = (p: Person | null) => menuFor(p).map((i) => i.key)

describe('menu from permissions and roles', () => {
  it('shows nothing to nobody', () => {
    expect(keys(null)).toEqual([])
    expect(homeFor(null)).toBe('/console/login')
  })

  it('shows an intake operator the intake console and the reference data they may see', () => {
    const operator = person(['intake_operator'], { 'person.view': 'jurisdiction' })
    expect(keys(operator)).toEqual(['intake', 'map', 'departments', 'people', 'calendar', 'categories', 'knowledge'])
    expect(homeFor(operator)).toBe('/console/intake')
  })

  it('hides People from an inspector, who has no person.view', () => {
    const inspector = person(['inspector'])
    expect(keys(inspector)).not.toContain('people')
    expect(keys(inspector)).toContain('field')
    expect(homeFor(inspector)).toBe('/console/field')
  })

  it('sends each demo role to its own work', () => {
    expect(homeFor(person(['dispatcher']))).toBe('/console/dispatch')
    expect(homeFor(person(['supervisor']))).toBe('/console/supervision')
    expect(homeFor(person(['handler']))).toBe('/console/workbench')
    expect(homeFor(person(['leader'], { 'audit.view': 'jurisdiction' }))).toBe('/console/case-map')
    expect(homeFor(person(['data_officer'], { 'geo.manage': 'department_tree' }))).toBe('/console/map')
    expect(homeFor(person(['admin'], { 'department.manage': 'jurisdiction' }))).toBe('/console/admin')
  })

  it('lets a permission alone open a screen (a custom role without a built-in role code)', () => {
    const custom = { roles: ['integrator'], permissions: { 'client.manage': 'jurisdiction' } }
    expect(keys(custom)).toEqual(['systems', 'admin'])
    expect(homeFor(custom)).toBe('/console/systems')
  })

  it('shows a leader the rules to read and try, but no administration page they could not use', () => {
    const leader = person(['leader'], { 'person.view': 'jurisdiction', 'audit.view': 'jurisdiction', 'routing.view': 'jurisdiction' })
    expect(keys(leader)).toContain('routing')
    expect(keys(leader)).not.toContain('admin')
    expect(keys({ roles: ['archivist'], permissions: { 'audit.view': 'jurisdiction' } })).toEqual([])
  })

  it('lists the routing rules for the desks that dispatch and edit them, not for intake or handlers', () => {
    const desk = { 'routing.view': 'jurisdiction', 'person.view': 'jurisdiction' }
    expect(keys(person(['dispatcher'], desk))).toContain('routing')
    expect(keys(person(['supervisor'], { ...desk, 'routing.manage': 'jurisdiction' }))).toContain('routing')
    expect(keys(person(['intake_operator'], desk))).not.toContain('routing')
    expect(keys(person(['handler']))).not.toContain('routing')
    expect(keys({ roles: ['rules_editor'], permissions: { 'routing.manage': 'jurisdiction' } })).toEqual(['routing'])
  })

  it('gives the administrator both the rules and the administration page', () => {
    const admin = person(['admin'], { 'department.manage': 'jurisdiction', 'routing.manage': 'jurisdiction' })
    expect(keys(admin).slice(-2)).toEqual(['routing', 'admin'])
  })

  it('falls back to a welcome page for someone who may see nothing', () => {
    expect(homeFor({ roles: [], permissions: {} })).toBe('/console/welcome')
  })

  it('starts someone with two roles on the work listed first', () => {
    expect(homeFor(person(['handler', 'dispatcher']))).toBe('/console/dispatch')
  })
})
