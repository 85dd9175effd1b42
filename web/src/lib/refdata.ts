// Reference data the case screens share (departments, categories, areas, inspectors), asked for
// once per page load and kept: they change rarely, and every screen needs the names.
import type { components } from '../api/schema'
import { api, unwrap } from '../api/client'

export type Department = components['schemas']['DepartmentOut']
export type Category = components['schemas']['CategoryOut']
export type Area = components['schemas']['AreaOut']
export type Person = components['schemas']['PersonOut']

const cache = new Map<string, Promise<unknown>>()

function once<T>(key: string, load: () => Promise<T>): Promise<T> {
  let hit = cache.get(key) as Promise<T> | undefined
  if (!hit) {
    hit = load()
    cache.set(key, hit)
    // A failure is not kept: the next screen asks again.
    hit.catch(() => cache.delete(key))
  }
  return hit
}

export const departments = () => once('departments', () => unwrap(api.GET('/api/v1/org/departments')))
export const categories = () => once('categories', () => unwrap(api.GET('/api/v1/taxonomy/categories')))
export const areas = (level: 'street' | 'community' | 'grid') =>
  once(`areas:${level}`, () => unwrap(api.GET('/api/v1/geo/areas', { params: { query: { level } } })))
export const areasGeojson = (level: 'street' | 'community' | 'grid') =>
  once(`geojson:${level}`, async () => {
    const data = await unwrap(api.GET('/api/v1/geo/areas.geojson', { params: { query: { level } } }))
    return data as unknown as GeoJSON.FeatureCollection
  })
export const inspectors = () =>
  once('inspectors', async () => (await unwrap(api.GET('/api/v1/org/people'))).filter((p) => p.roles.includes('inspector')))

/** Departments that can take a case: bureaus, street offices and external units, active. */
export function handlingDepartments(all: Department[]): Department[] {
  return all.filter((d) => d.active && ['bureau', 'street', 'external'].includes(d.kind))
}

export function forgetReferenceData(): void {
  cache.clear()
}
