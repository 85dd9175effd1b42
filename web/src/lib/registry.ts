// The registries (标准地址, 道路, 兴趣点, 城市部件, 摄像头…) seen from the console: one generic shape
// for all of them, driven by GET /api/v1/registries (each registry's columns, filters and rights).
// The table, the filters, the edit form and the import report are all built from the columns here,
// as plain functions the screens and the tests share.
import { readCookie } from '../api/client'
import { ApiError, toApiError } from '../api/errors'
import { apiLanguage, i18n } from '../i18n'
import { queryString } from './upload'

export type ColumnKind = 'text' | 'int' | 'float' | 'choice' | 'date' | 'bool' | 'lng' | 'lat' | 'geometry' | 'ref'
export type GeometryKind = 'point' | 'line' | 'polygon' | 'none'
export type Crs = 'wgs84' | 'gcj02' | 'bd09'
export const CRS_LIST: Crs[] = ['wgs84', 'gcj02', 'bd09']
export type RecordState = 'active' | 'retired' | 'all'

export interface Choice {
  value: string
  label: string
}

export interface RegistryColumn {
  field: string
  header: string
  kind: ColumnKind | string
  required: boolean
  max_length?: number | null
  choices?: Choice[] | null
  help?: string
  example?: string
}

export interface RegistryMeta {
  key: string
  title: string
  geometry: GeometryKind | string
  natural_key: string[]
  columns: RegistryColumn[]
  filters: string[]
  search_fields: string[]
  count: number
  can_manage: boolean
  /** Not in the first contract; shown on the hub when the server sends it. */
  last_import_at?: string | null
}

export interface RegistryRecord {
  id: number
  key: string
  values: Record<string, unknown>
  labels: Record<string, string | null | undefined>
  lng: number | null
  lat: number | null
  geometry: GeoJSON.Geometry | null
  retired_at: string | null
  retired_reason: string | null | undefined
  updated_at: string | null
}

export interface RecordPage {
  items: RegistryRecord[]
  next: string | null
}

export interface Change {
  field: string
  header: string
  before: unknown
  after: unknown
}

export interface HistoryEntry {
  at: string
  by: string | null
  kind: 'created' | 'changed' | 'retired' | 'restored' | string
  source: string | null
  changes: Change[]
}

export interface RowProblem {
  line: number
  column: string
  header: string
  code: string
  message: string
}

export interface ImportResult {
  id: string | number
  status: 'done' | 'partial' | 'refused' | string
  rows: number
  created: number
  updated: number
  unchanged: number
  refused: number
  errors: RowProblem[]
  report_url?: string | null
  // Batches in the list carry some of these too.
  file_name?: string | null
  filename?: string | null
  mode?: string | null
  crs?: string | null
  created_at?: string | null
  started_at?: string | null
  finished_at?: string | null
  by?: string | null
  created_by?: string | null
  /** When the batch ran (the API's RegistryImportOut) and how many problems it had in all (errors holds the first 200). */
  at?: string | null
  error_count?: number
}

export type ImportMode = 'partial' | 'atomic'

// ---------------------------------------------------------------------------------------------
// HTTP: plain fetch with the platform's headers and its one error shape (ApiError).

const BASE = '/api/v1/registries'

async function request<T>(method: string, url: string, body?: unknown, fetchImpl: typeof fetch = globalThis.fetch): Promise<T> {
  const headers: Record<string, string> = { 'Accept-Language': apiLanguage(), Accept: 'application/json' }
  let payload: BodyInit | undefined
  if (body instanceof FormData) payload = body
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  if (method !== 'GET') {
    const token = readCookie('csrftoken')
    if (token) headers['X-CSRFToken'] = token
  }
  let response: Response
  try {
    response = await fetchImpl(url, { method, headers, body: payload, credentials: 'same-origin' })
  } catch {
    throw new ApiError(0, 'network_error', i18n.global.t('errors.network'))
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null)
  if (!response.ok) throw toApiError(response.status, data, i18n.global.t('errors.http', { status: response.status }))
  return data as T
}

const seg = encodeURIComponent

export const registryApi = {
  list: (f?: typeof fetch) => request<RegistryMeta[]>('GET', BASE, undefined, f),
  records: (key: string, query: Record<string, unknown>, f?: typeof fetch) => {
    const qs = queryString(query)
    return request<RecordPage>('GET', `${BASE}/${seg(key)}/records${qs ? `?${qs}` : ''}`, undefined, f)
  },
  record: (key: string, id: number, asOf?: string | null, f?: typeof fetch) =>
    request<RegistryRecord>('GET', `${BASE}/${seg(key)}/records/${id}${asOf ? `?${queryString({ as_of: asOf })}` : ''}`, undefined, f),
  history: (key: string, id: number, f?: typeof fetch) => request<HistoryEntry[]>('GET', `${BASE}/${seg(key)}/records/${id}/history`, undefined, f),
  create: (key: string, values: Record<string, unknown>, crs: Crs, f?: typeof fetch) =>
    request<RegistryRecord>('POST', `${BASE}/${seg(key)}/records`, { values, crs }, f),
  update: (key: string, id: number, values: Record<string, unknown>, crs: Crs, f?: typeof fetch) =>
    request<RegistryRecord>('PATCH', `${BASE}/${seg(key)}/records/${id}`, { values, crs }, f),
  retire: (key: string, id: number, reason: string, f?: typeof fetch) =>
    request<RegistryRecord>('POST', `${BASE}/${seg(key)}/records/${id}/retire`, { reason }, f),
  restore: (key: string, id: number, f?: typeof fetch) => request<RegistryRecord>('POST', `${BASE}/${seg(key)}/records/${id}/restore`, {}, f),
  upload: (key: string, file: File, mode: ImportMode, crs: Crs, f?: typeof fetch) => {
    const form = new FormData()
    form.append('file', file, file.name)
    form.append('mode', mode)
    form.append('crs', crs)
    return request<ImportResult>('POST', `${BASE}/${seg(key)}/imports`, form, f)
  },
  imports: (key: string, f?: typeof fetch) => request<ImportResult[]>('GET', `${BASE}/${seg(key)}/imports`, undefined, f),
}

export function templateUrl(key: string, format: 'xlsx' | 'csv'): string {
  return `${BASE}/${seg(key)}/template?format=${format}`
}

export function exportUrl(key: string, format: 'csv' | 'xlsx' | 'geojson', query: Record<string, unknown>): string {
  const { after: _after, limit: _limit, ...filters } = query
  return `${BASE}/${seg(key)}/export?${queryString({ ...filters, format })}`
}

/** The error report of an import: the server's address, else the conventional one. */
export function reportUrl(key: string, result: Pick<ImportResult, 'id' | 'report_url'>): string {
  return result.report_url || `${BASE}/${seg(key)}/imports/${seg(String(result.id))}/report.xlsx`
}

// ---------------------------------------------------------------------------------------------
// Columns → table, filters, form.

const COORDINATE_KINDS = new Set(['lng', 'lat', 'geometry'])

/** The list's columns: spec order, coordinates left to the map, at most `max` (the rest in the detail). */
export function tableColumns(meta: Pick<RegistryMeta, 'columns'>, max = 7): RegistryColumn[] {
  return meta.columns.filter((c) => !COORDINATE_KINDS.has(c.kind)).slice(0, max)
}

/** Every column the detail shows, coordinates as one row (经纬度) rather than two. */
export function detailColumns(meta: Pick<RegistryMeta, 'columns'>): RegistryColumn[] {
  return meta.columns.filter((c) => c.kind !== 'geometry')
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

/** A value as a person reads it: the server's label for choices and references, 是/否, dates without time. */
export function displayValue(record: Pick<RegistryRecord, 'values' | 'labels'>, column: RegistryColumn): string {
  const label = record.labels?.[column.field]
  if (label !== undefined && label !== null && label !== '') return String(label)
  const value = record.values?.[column.field]
  if (value === null || value === undefined || value === '') return '—'
  const { t } = i18n.global
  switch (column.kind) {
    case 'bool':
      return value ? t('registry.yes') : t('registry.no')
    case 'choice': {
      const choice = column.choices?.find((c) => c.value === String(value))
      return choice ? choice.label : String(value)
    }
    case 'date': {
      const text = String(value)
      return /^\d{4}-\d\d-\d\d/.test(text) ? text.slice(0, 10) : text
    }
    case 'lng':
    case 'lat':
      return typeof value === 'number' ? value.toFixed(6) : String(value)
    default:
      if (typeof value === 'object') return JSON.stringify(value)
      return String(value)
  }
}

/** Any value of a history change (which carries no labels): choices by their label. */
export function changeText(value: unknown, column?: RegistryColumn): string {
  if (column) return displayValue({ values: { [column.field]: value }, labels: {} }, column)
  if (value === null || value === undefined || value === '') return '—'
  return typeof value === 'object' ? JSON.stringify(value) : String(value)
}

export interface FilterControl {
  field: string
  label: string
  /** 'area': a street or community of the district, chosen from the list of areas (by id). */
  type: 'select' | 'text' | 'area'
  options: Choice[]
  level?: 'street' | 'community'
}

const AREA_FILTERS = new Set(['street', 'community'])

/** The list's filters: choices (and yes/no) as selects, streets and communities from the district's areas, everything else (references, codes) as text. */
export function filterControls(meta: Pick<RegistryMeta, 'columns' | 'filters'>): FilterControl[] {
  const { t, te } = i18n.global
  return (meta.filters ?? []).map((field) => {
    const column = meta.columns.find((c) => c.field === field)
    const label = column?.header ?? (te(`registry.filterNames.${field}`) ? t(`registry.filterNames.${field}`) : field)
    if (!column && AREA_FILTERS.has(field)) return { field, label, type: 'area', options: [], level: field as 'street' | 'community' }
    if (column?.kind === 'choice' && column.choices?.length) return { field, label, type: 'select', options: column.choices }
    if (column?.kind === 'bool')
      return { field, label, type: 'select', options: [{ value: 'true', label: t('registry.yes') }, { value: 'false', label: t('registry.no') }] }
    return { field, label, type: 'text', options: [] }
  })
}

export interface ListQuery {
  q?: string
  state?: RecordState
  bbox?: [number, number, number, number] | null
  filters?: Record<string, string | null | undefined>
  after?: string | null
  limit?: number
}

/** Query parameters of the list (and, without paging, of the export): empty values left out. */
export function recordQuery(query: ListQuery): Record<string, string | number> {
  const out: Record<string, string | number> = {}
  const q = query.q?.trim()
  if (q) out.q = q
  if (query.state && query.state !== 'active') out.state = query.state
  for (const [field, value] of Object.entries(query.filters ?? {})) {
    const text = value === null || value === undefined ? '' : String(value).trim()
    if (text) out[field] = text
  }
  if (query.bbox) out.bbox = query.bbox.map((n) => n.toFixed(6)).join(',')
  if (query.after) out.after = query.after
  if (query.limit) out.limit = query.limit
  return out
}

export type Widget = 'text' | 'textarea' | 'number' | 'select' | 'date' | 'switch'

export interface FormField {
  field: string
  label: string
  widget: Widget
  required: boolean
  maxLength?: number
  options: Choice[]
  integer: boolean
  help: string
  placeholder: string
}

/**
 * The edit form of a registry: one field per column in spec order, coordinates apart (the form's
 * coordinate block with its system and "在地图上选点"), geometry left to imports.
 */
export function formFields(meta: Pick<RegistryMeta, 'columns'>): FormField[] {
  return meta.columns
    .filter((c) => !COORDINATE_KINDS.has(c.kind))
    .map((c): FormField => {
      let widget: Widget = 'text'
      if (c.kind === 'int' || c.kind === 'float') widget = 'number'
      else if (c.kind === 'choice') widget = 'select'
      else if (c.kind === 'date') widget = 'date'
      else if (c.kind === 'bool') widget = 'switch'
      else if ((c.max_length ?? 0) > 200) widget = 'textarea'
      return {
        field: c.field,
        label: c.header,
        widget,
        required: !!c.required,
        maxLength: c.max_length ?? undefined,
        options: c.choices ?? [],
        integer: c.kind === 'int',
        help: c.help ?? '',
        placeholder: c.example ? i18n.global.t('registry.form.example', { example: c.example }) : '',
      }
    })
}

/** The registry's coordinate columns (lng and lat field names), when it has them. */
export function coordinateFields(meta: Pick<RegistryMeta, 'columns'>): { lng: string; lat: string } | null {
  const lng = meta.columns.find((c) => c.kind === 'lng')
  const lat = meta.columns.find((c) => c.kind === 'lat')
  return lng && lat ? { lng: lng.field, lat: lat.field } : null
}

export type FormValues = Record<string, string | number | boolean | null>

/** The form's starting values: the record's, or empty ones for a new record. */
export function initialValues(meta: Pick<RegistryMeta, 'columns'>, record?: Pick<RegistryRecord, 'values' | 'lng' | 'lat'> | null): FormValues {
  const out: FormValues = {}
  for (const f of formFields(meta)) {
    const v = record?.values?.[f.field]
    if (f.widget === 'switch') out[f.field] = v === undefined || v === null ? false : !!v
    else if (v === undefined || v === null) out[f.field] = null
    else if (f.widget === 'number') out[f.field] = typeof v === 'number' ? v : Number(v)
    else if (f.widget === 'date') out[f.field] = String(v).slice(0, 10)
    else out[f.field] = String(v)
  }
  const coords = coordinateFields(meta)
  if (coords) {
    const lng = record?.values?.[coords.lng] ?? record?.lng
    const lat = record?.values?.[coords.lat] ?? record?.lat
    out[coords.lng] = lng === undefined || lng === null ? null : Number(lng)
    out[coords.lat] = lat === undefined || lat === null ? null : Number(lat)
  }
  return out
}

function normalised(value: unknown): unknown {
  if (value === '' || value === undefined) return null
  if (typeof value === 'string') return value.trim() === '' ? null : value.trim()
  return value
}

/**
 * What the form sends: every value for a new record; for an edit only what changed (PATCH), so
 * that an untouched field never overwrites someone else's change. Empty text becomes null.
 */
export function valuesToSubmit(form: FormValues, original?: FormValues | null): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(form)) {
    const v = normalised(value)
    if (original && normalised(original[field]) === v) continue
    out[field] = v
  }
  return out
}

/** Client-side checks before sending (the server checks everything again): required and length. */
export function checkForm(meta: Pick<RegistryMeta, 'columns'>, form: FormValues): Record<string, string> {
  const { t } = i18n.global
  const errors: Record<string, string> = {}
  for (const c of meta.columns) {
    if (c.kind === 'geometry') continue
    const v = normalised(form[c.field])
    if (c.required && (v === null || v === undefined) && c.kind !== 'bool') errors[c.field] = t('registry.form.required', { header: c.header })
    else if (typeof v === 'string' && c.max_length && v.length > c.max_length) errors[c.field] = t('registry.form.tooLong', { header: c.header, n: c.max_length })
  }
  return errors
}

/**
 * A registry's validation failure (422 invalid_record, details.errors [{column, header, code,
 * message}]) in the shape the console's form helper spreads over fields (details.fields).
 */
export function asFormError(err: unknown): unknown {
  if (!(err instanceof ApiError)) return err
  const list = err.details.errors
  if (!Array.isArray(list) || list.length === 0) return err
  const fields = list
    .filter((e) => e && typeof e === 'object')
    .map((e) => ({ field: String(e.column ?? ''), message: String(e.message ?? err.message) }))
  const general = fields.filter((f) => !f.field).map((f) => f.message)
  const message = general.length ? general.join('；') : err.message
  return new ApiError(err.status, err.code, message, { ...err.details, fields: fields.filter((f) => f.field) })
}

// ---------------------------------------------------------------------------------------------
// History and imports.

/** Who changed it, by source: 导入 / 接口 / 控制台 / 演示 ("import:<batch>" is an import). */
export function sourceKey(source: string | null | undefined): 'import' | 'api' | 'console' | 'demo' | 'other' {
  if (!source) return 'other'
  if (source === 'import' || source.startsWith('import:')) return 'import'
  if (source === 'api' || source === 'console' || source === 'demo') return source
  return 'other'
}

export function sourceLabel(source: string | null | undefined): string {
  return i18n.global.t(`registry.sources.${sourceKey(source)}`)
}

/** History newest first, whatever order it came in. */
export function newestFirst(entries: HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => Date.parse(b.at) - Date.parse(a.at))
}

export const COUNT_KEYS = ['created', 'updated', 'unchanged', 'refused'] as const

/** The import's four counts, in the order the result shows them. */
export function importCounts(result: ImportResult): { key: (typeof COUNT_KEYS)[number]; n: number }[] {
  return COUNT_KEYS.map((key) => ({ key, n: Number(result[key] ?? 0) }))
}

/** Rows of the report table: by line, then column; the column by its header. */
export function reportRows(result: Pick<ImportResult, 'errors'>, meta?: Pick<RegistryMeta, 'columns'> | null): RowProblem[] {
  const headerOf = (field: string) => meta?.columns.find((c) => c.field === field)?.header
  return [...(result.errors ?? [])]
    .map((e) => ({ ...e, header: e.header || (e.column ? (headerOf(e.column) ?? e.column) : '') }))
    .sort((a, b) => a.line - b.line || a.header.localeCompare(b.header))
}

/** Errors the import stopped showing (the server sends the first 200). */
export function hiddenErrors(result: ImportResult): number {
  const errors = result.errors ?? []
  if (typeof result.error_count === 'number') return Math.max(0, result.error_count - errors.length)
  if (errors.length < 200) return 0
  return Math.max(0, Number(result.refused ?? 0) - new Set(errors.map((e) => e.line)).size)
}

export function batchFileName(batch: ImportResult): string {
  return batch.file_name || batch.filename || '—'
}

export function batchTime(batch: ImportResult): string | null {
  return batch.at || batch.finished_at || batch.created_at || batch.started_at || null
}

/** The Element Plus icon of a registry's geometry on the hub. */
export function geometryIcon(geometry: string): string {
  return { point: 'IconLocation', line: 'IconShare', polygon: 'IconCrop' }[geometry] ?? 'IconDocument'
}

// ---------------------------------------------------------------------------------------------
// Keyset paging: "加载更多" appends the next page; a new search drops answers to older ones.

export class RecordPager {
  items: RegistryRecord[] = []
  next: string | null = null
  loading = false
  error: unknown = null
  private generation = 0

  constructor(private readonly load: (after: string | null) => Promise<RecordPage>) {}

  get hasMore(): boolean {
    return this.next !== null
  }

  /** The first page of a new search; answers to earlier searches arriving late are ignored. */
  async reset(): Promise<void> {
    const generation = ++this.generation
    this.loading = true
    this.error = null
    try {
      const page = await this.load(null)
      if (generation !== this.generation) return
      this.items = page.items
      this.next = page.next
    } catch (err) {
      if (generation !== this.generation) return
      this.items = []
      this.next = null
      this.error = err
    } finally {
      if (generation === this.generation) this.loading = false
    }
  }

  /** The next page, appended; nothing when there is none or a load is running. */
  async more(): Promise<void> {
    if (!this.next || this.loading) return
    const generation = this.generation
    this.loading = true
    this.error = null
    try {
      const page = await this.load(this.next)
      if (generation !== this.generation) return
      const seen = new Set(this.items.map((r) => r.id))
      this.items = [...this.items, ...page.items.filter((r) => !seen.has(r.id))]
      this.next = page.next
    } catch (err) {
      if (generation === this.generation) this.error = err
    } finally {
      if (generation === this.generation) this.loading = false
    }
  }

  /** Put a record changed in the drawer back into the list (or drop it if it left the filter). */
  replace(record: RegistryRecord, stillMatches = true): void {
    const i = this.items.findIndex((r) => r.id === record.id)
    if (i < 0) return
    const copy = [...this.items]
    if (stillMatches) copy[i] = record
    else copy.splice(i, 1)
    this.items = copy
  }
}

/** Today in the district, as YYYY-MM-DD (the as-of picker's upper bound). */
export function districtToday(now: Date = new Date()): string {
  const shifted = new Date(now.getTime() + 8 * 3_600_000)
  return `${shifted.getUTCFullYear()}-${pad(shifted.getUTCMonth() + 1)}-${pad(shifted.getUTCDate())}`
}

/** The end of a chosen day in the district: "as of 2026-05-01" means as it stood that evening. */
export function asOfInstant(day: string): string {
  return `${day}T23:59:59+08:00`
}

// ---------------------------------------------------------------------------------------------
// The registries the person may see, asked once per page load (counts refreshed after a change).

let registriesOnce: Promise<RegistryMeta[]> | null = null

export function loadRegistries(fetchImpl?: typeof fetch): Promise<RegistryMeta[]> {
  registriesOnce ??= registryApi.list(fetchImpl).catch((err) => {
    registriesOnce = null
    throw err
  })
  return registriesOnce
}

export function forgetRegistries(): void {
  registriesOnce = null
}

/** A link to a registry's screen, optionally opening one record's drawer (?record=<id>). */
export function registryPath(key: string, recordId?: number | null): string {
  return `/console/registries/${encodeURIComponent(key)}${recordId ? `?record=${recordId}` : ''}`
}

/** A date picker's day (local midnight) as YYYY-MM-DD. */
export function pickerDay(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}
