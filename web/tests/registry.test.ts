import { describe, expect, it, vi } from 'vitest'
import { ApiError } from '../src/api/errors'
import {
  asFormError,
  checkForm,
  displayValue,
  exportUrl,
  filterControls,
  formFields,
  hiddenErrors,
  importCounts,
  initialValues,
  newestFirst,
  recordQuery,
  RecordPager,
  registryApi,
  reportRows,
  reportUrl,
  sourceLabel,
  tableColumns,
  valuesToSubmit,
  type RecordPage,
} from '../src/lib/registry'
import { detailTabsFor, listSectionsFor } from '../src/components/registry/extensions'
import { POIS, rec } from './registryFixtures'

describe('the list is built from the columns', () => {
  it('shows the first columns in spec order, leaving coordinates to the map', () => {
    expect(tableColumns(POIS, 4).map((c) => c.header)).toEqual(['编码', '名称', '类别', '权属单位'])
    expect(tableColumns(POIS).map((c) => c.field)).not.toContain('lng')
    expect(tableColumns(POIS)).toHaveLength(7)
  })

  it('shows choices and references by their label, yes/no in words, empty as a dash', () => {
    const kind = POIS.columns[4]!
    const owner = POIS.columns[5]!
    const bool = POIS.columns[8]!
    expect(displayValue(rec(1, { kind: 'school' }), kind)).toBe('学校')
    expect(displayValue(rec(1, { owner_code: 'D01' }, { labels: { owner_code: '区城管局' } }), owner)).toBe('区城管局')
    expect(displayValue(rec(1, { owner_code: 'D01' }), owner)).toBe('D01')
    expect(displayValue(rec(1, { open_all_day: true }), bool)).toBe('是')
    expect(displayValue(rec(1, { open_all_day: false }), bool)).toBe('否')
    expect(displayValue(rec(1, { phone: null }), POIS.columns[9]!)).toBe('—')
  })

  it('offers choices as selects and references as text in the filters', () => {
    const controls = filterControls(POIS)
    expect(controls.map((c) => [c.field, c.type, c.label])).toEqual([
      ['kind', 'select', '类别'],
      ['owner_code', 'text', '权属单位'],
      ['street', 'area', '街道'],
    ])
    expect(controls[0]!.options.map((o) => o.label)).toEqual(['学校', '医院'])
  })

  it('sends only the filters given, the state when not 在用, and the map view as bbox', () => {
    expect(recordQuery({ q: '  地铁 ', state: 'active', filters: { kind: 'school', owner_code: '' } })).toEqual({ q: '地铁', kind: 'school' })
    expect(recordQuery({ state: 'all', bbox: [120.1, 30.2, 120.5, 30.4], limit: 50, after: 'abc' })).toEqual({
      state: 'all',
      bbox: '120.100000,30.200000,120.500000,30.400000',
      after: 'abc',
      limit: 50,
    })
  })

  it('exports with the filters of the list but not its paging', () => {
    const url = exportUrl('pois', 'geojson', recordQuery({ q: '站', state: 'retired', after: 'xyz', limit: 50 }))
    const parsed = new URL(url, 'http://x')
    expect(parsed.pathname).toBe('/api/v1/registries/pois/export')
    expect(Object.fromEntries(parsed.searchParams)).toEqual({ q: '站', state: 'retired', format: 'geojson' })
  })
})

describe('the edit form is built from the columns', () => {
  it('has a widget per kind, coordinates apart', () => {
    const widgets = Object.fromEntries(formFields(POIS).map((f) => [f.field, f.widget]))
    expect(widgets).toEqual({
      code: 'text',
      name: 'text',
      kind: 'select',
      owner_code: 'text',
      floors: 'number',
      opened_on: 'date',
      open_all_day: 'switch',
      phone: 'text',
      note: 'textarea',
    })
    expect(formFields(POIS).find((f) => f.field === 'floors')!.integer).toBe(true)
    expect(formFields(POIS).find((f) => f.field === 'name')!.placeholder).toBe('例：文泽路地铁站')
  })

  it('starts from the record, and sends only what changed', () => {
    const start = initialValues(POIS, rec(1, { kind: 'school', floors: 3, opened_on: '2020-01-02T00:00:00', open_all_day: null }))
    expect(start).toMatchObject({ code: 'P001', kind: 'school', floors: 3, opened_on: '2020-01-02', open_all_day: false, lng: 120.3, lat: 30.3 })
    const edited = { ...start, name: '新名称', phone: '  ', floors: 3 }
    expect(valuesToSubmit(edited, start)).toEqual({ name: '新名称' })
    expect(valuesToSubmit({ ...start, note: '' }, null)).toMatchObject({ code: 'P001', note: null })
  })

  it('checks required columns and lengths before sending', () => {
    const errors = checkForm(POIS, { ...initialValues(POIS, null), code: 'P9', name: '', phone: '1'.repeat(21) })
    expect(errors.name).toBe('请填写名称')
    expect(errors.phone).toBe('电话不能超过 20 个字')
    expect(errors.lng).toBe('请填写经度')
    expect(errors.code).toBeUndefined()
  })

  it("puts a registry's validation errors beside their fields, the rest in the banner", () => {
    const err = new ApiError(422, 'invalid_record', '记录有误', {
      errors: [
        { column: 'name', header: '名称', code: 'required', message: '名称不能为空' },
        { column: '', header: '', code: 'duplicate', message: '编码已存在' },
      ],
    })
    const mapped = asFormError(err) as ApiError
    expect(mapped.fieldErrors).toEqual({ name: '名称不能为空' })
    expect(mapped.message).toBe('编码已存在')
    const other = new ApiError(403, 'forbidden', '无权操作')
    expect(asFormError(other)).toBe(other)
  })
})

describe('history and imports', () => {
  it('names the source of each change and lists the newest first', () => {
    expect(['import:6b1e', 'api', 'console', 'demo', null].map(sourceLabel)).toEqual(['导入', '接口', '控制台', '演示', '其他'])
    const entries = newestFirst([
      { at: '2026-01-01T00:00:00Z', by: 'a', kind: 'created', source: 'demo', changes: [] },
      { at: '2026-03-01T00:00:00Z', by: 'b', kind: 'changed', source: 'console', changes: [] },
    ])
    expect(entries.map((e) => e.by)).toEqual(['b', 'a'])
  })

  it('reports the counts and the refused rows by line with their column header', () => {
    const result = {
      id: 'b1',
      status: 'partial',
      rows: 5,
      created: 2,
      updated: 1,
      unchanged: 0,
      refused: 2,
      errors: [
        { line: 5, column: 'lng', header: '', code: 'outside_jurisdiction', message: '坐标不在本区范围内' },
        { line: 3, column: 'name', header: '名称', code: 'required', message: '名称不能为空' },
      ],
      report_url: null,
    }
    expect(importCounts(result).map((c) => `${c.key}=${c.n}`)).toEqual(['created=2', 'updated=1', 'unchanged=0', 'refused=2'])
    expect(reportRows(result, POIS).map((r) => [r.line, r.header, r.code])).toEqual([
      [3, '名称', 'required'],
      [5, '经度', 'outside_jurisdiction'],
    ])
    expect(reportUrl('pois', result)).toBe('/api/v1/registries/pois/imports/b1/report.xlsx')
    expect(reportUrl('pois', { ...result, report_url: '/x/report.xlsx' })).toBe('/x/report.xlsx')
    expect(hiddenErrors(result)).toBe(0)
    const many = { ...result, refused: 250, errors: Array.from({ length: 200 }, (_, i) => ({ line: i + 2, column: '', header: '', code: 'x', message: 'y' })) }
    expect(hiddenErrors(many)).toBe(50)
    expect(hiddenErrors({ ...result, error_count: 230, errors: many.errors })).toBe(30)
  })
})

describe('keyset paging', () => {
  it('appends the next page with the cursor the server gave', async () => {
    const pages: Record<string, RecordPage> = { first: { items: [rec(1), rec(2)], next: 'c2' }, c2: { items: [rec(2), rec(3)], next: null } }
    const load = vi.fn(async (after: string | null) => pages[after ?? 'first']!)
    const pager = new RecordPager(load)
    await pager.reset()
    expect(pager.items.map((r) => r.id)).toEqual([1, 2])
    expect(pager.hasMore).toBe(true)
    await pager.more()
    expect(load).toHaveBeenLastCalledWith('c2')
    expect(pager.items.map((r) => r.id)).toEqual([1, 2, 3])
    expect(pager.hasMore).toBe(false)
    await pager.more()
    expect(load).toHaveBeenCalledTimes(2)
  })

  it('drops the answer to an older search that arrives after a newer one', async () => {
    let release: (p: RecordPage) => void = () => {}
    const slow = new Promise<RecordPage>((r) => (release = r))
    const answers = [slow, Promise.resolve({ items: [rec(9)], next: null })]
    const pager = new RecordPager(() => answers.shift()!)
    const first = pager.reset()
    await pager.reset()
    release({ items: [rec(1)], next: 'old' })
    await first
    expect(pager.items.map((r) => r.id)).toEqual([9])
    expect(pager.next).toBeNull()
  })

  it('keeps the error of a failed page for the screen to show', async () => {
    const pager = new RecordPager(async () => {
      throw new ApiError(400, 'invalid_filter', '筛选条件无效')
    })
    await pager.reset()
    expect((pager.error as Error).message).toBe('筛选条件无效')
    expect(pager.items).toEqual([])
  })
})

describe('the HTTP calls', () => {
  it('asks for records with the query and turns a failure into the server message', async () => {
    const fetch = vi.fn(async (url: string) =>
      url.includes('bad')
        ? new Response(JSON.stringify({ error: { code: 'not_found', message: '没有这个基础数据库' } }), { status: 404 })
        : new Response(JSON.stringify({ items: [], next: null }), { status: 200 }),
    )
    await registryApi.records('pois', { q: '站', kind: 'school' }, fetch as unknown as typeof globalThis.fetch)
    expect(fetch.mock.calls[0]![0]).toBe('/api/v1/registries/pois/records?q=%E7%AB%99&kind=school')
    await expect(registryApi.records('bad', {}, fetch as unknown as typeof globalThis.fetch)).rejects.toThrow('没有这个基础数据库')
  })

  it('uploads the file with the mode and the coordinate system', async () => {
    const fetch = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify({ id: 1 }), { status: 200 }))
    await registryApi.upload('pois', new File(['a,b'], 'p.csv'), 'atomic', 'gcj02', fetch as unknown as typeof globalThis.fetch)
    const [url, init] = fetch.mock.calls[0]!
    expect(url).toBe('/api/v1/registries/pois/imports')
    const body = init.body as FormData
    expect(body.get('mode')).toBe('atomic')
    expect(body.get('crs')).toBe('gcj02')
    expect((body.get('file') as File).name).toBe('p.csv')
  })
})

describe('extensions', () => {
  it('give no extra tab or section to a registry nobody extended', () => {
    expect(detailTabsFor('no-such-registry')).toEqual([])
    expect(listSectionsFor('no-such-registry')).toEqual([])
  })
})
