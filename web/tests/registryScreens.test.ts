import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import * as icons from '@element-plus/icons-vue'
import type { App } from 'vue'
import { i18n } from '../src/i18n'
import RegistryTable from '../src/components/registry/RegistryTable.vue'
import RecordForm from '../src/components/registry/RecordForm.vue'
import ImportReport from '../src/components/registry/ImportReport.vue'
import ImportDialog from '../src/components/registry/ImportDialog.vue'
import RecordDrawer from '../src/components/registry/RecordDrawer.vue'
import { POIS, rec } from './registryFixtures'

// The console registers every icon as Icon<Name> (main.ts); so do the tests.
const Icons = { install: (app: App) => Object.entries(icons).forEach(([n, c]) => app.component(`Icon${n}`, c)) }
const plugins = [ElementPlus, i18n, Icons]
// Element Plus dialogs and pickers under happy-dom are slow on a busy machine.
vi.setConfig({ testTimeout: 40_000 })
const stubs = { RecordMiniMap: true, PointPicker: true }

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('registry table', () => {
  it('has a column per spec column with its Chinese header, values by label', async () => {
    const w = mount(RegistryTable, { props: { meta: POIS, records: [rec(1, { kind: 'hospital' })] }, global: { plugins } })
    await flushPromises()
    const headers = w.findAll('th').map((th) => th.text())
    expect(headers.slice(0, 4)).toEqual(['编码', '名称', '类别', '权属单位'])
    expect(headers).not.toContain('经度')
    expect(w.text()).toContain('医院')
  })

  it('becomes cards on a phone and opens the record tapped', async () => {
    const w = mount(RegistryTable, { props: { meta: POIS, records: [rec(1), rec(2, {}, { retired_at: '2026-01-01T00:00:00Z' })], narrow: true }, global: { plugins } })
    expect(w.find('[data-test="registry-table"]').exists()).toBe(false)
    expect(w.find('[data-test="record-2"]').text()).toContain('已注销')
    await w.find('[data-test="record-2"]').trigger('click')
    expect((w.emitted('open')![0]![0] as { id: number }).id).toBe(2)
  })
})

describe('record form', () => {
  it('is generated from the columns and shows the server errors beside their fields', async () => {
    const fetch = vi.fn(async () =>
      json(422, {
        error: {
          code: 'invalid_record',
          message: '记录有误',
          details: { errors: [{ column: 'lng', header: '经度', code: 'outside_jurisdiction', message: '坐标不在本区范围内' }] },
        },
      }),
    )
    vi.stubGlobal('fetch', fetch)
    const w = mount(RecordForm, { props: { modelValue: true, meta: POIS, record: rec(1) }, global: { plugins, stubs }, attachTo: document.body })
    await flushPromises()
    const body = document.body
    for (const f of ['code', 'name', 'kind', 'floors', 'opened_on', 'open_all_day', 'lng', 'lat']) {
      expect(body.querySelector(`[data-test="field-${f}"]`), f).not.toBeNull()
    }
    expect(body.querySelector('[data-test="field-open_all_day"] .el-switch')).not.toBeNull()
    expect(body.querySelector('[data-test="form-crs"]')).not.toBeNull()
    expect(body.querySelector('[data-test="pick-on-map"]')!.textContent).toContain('在地图上选点')
    const name = body.querySelector('[data-test="field-name"] input') as HTMLInputElement
    name.value = '新名称'
    name.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(body.querySelector('[data-test="form-save"]') as HTMLButtonElement).click()
    await flushPromises()
    const [url, init] = fetch.mock.calls[0]! as unknown as [string, RequestInit]
    expect(url).toBe('/api/v1/registries/pois/records/1')
    expect(init.method).toBe('PATCH')
    expect(JSON.parse(init.body as string)).toEqual({ values: { name: '新名称' }, crs: 'wgs84' })
    await new Promise((r) => setTimeout(r, 100))
    expect(body.querySelector('[data-test="field-lng"]')!.classList).toContain('is-error')
    expect(body.querySelector('[data-test="field-lng"] .el-form-item__error')!.textContent).toContain('坐标不在本区范围内')
    expect(w.emitted('saved')).toBeUndefined()
  })

  it('refuses to send a new record without its required columns', async () => {
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    mount(RecordForm, { props: { modelValue: true, meta: POIS, record: null }, global: { plugins, stubs }, attachTo: document.body })
    await flushPromises()
    ;(document.body.querySelector('[data-test="form-save"]') as HTMLButtonElement).click()
    await flushPromises()
    // Element Plus shows a field's error after its own async validation round.
    await new Promise((r) => setTimeout(r, 100))
    await flushPromises()
    expect(fetch).not.toHaveBeenCalled()
    expect(document.body.querySelector('[data-test="field-code"] .el-form-item__error')!.textContent).toContain('请填写编码')
    expect(document.body.querySelector('[data-test="form-error"]')!.textContent).toContain('请检查标红的字段')
  })
})

const RESULT = {
  id: 'b7',
  status: 'partial',
  rows: 4,
  created: 1,
  updated: 1,
  unchanged: 0,
  refused: 2,
  errors: [
    { line: 4, column: 'lng', header: '经度', code: 'outside_jurisdiction', message: '坐标不在本区范围内' },
    { line: 2, column: 'name', header: '名称', code: 'required', message: '名称不能为空' },
  ],
  report_url: '/api/v1/registries/pois/imports/b7/report.xlsx',
}

describe('import report', () => {
  it('shows the four counts and each refused row with line, column, code and explanation', async () => {
    const w = mount(ImportReport, { props: { result: RESULT, meta: POIS }, global: { plugins } })
    await flushPromises()
    expect(w.find('[data-test="count-created"]').text()).toContain('新增')
    expect(w.find('[data-test="count-refused"]').text()).toMatch(/2\s*拒绝/)
    expect(w.find('[data-test="import-status"]').text()).toContain('部分导入')
    const rows = w.findAll('[data-test="report-table"] tbody tr').map((tr) => tr.findAll('td').map((td) => td.text()))
    expect(rows).toEqual([
      ['2', '名称', 'required', '名称不能为空'],
      ['4', '经度', 'outside_jurisdiction', '坐标不在本区范围内'],
    ])
    expect(w.find('[data-test="report-download"]').attributes('href')).toBe('/api/v1/registries/pois/imports/b7/report.xlsx')
    expect(w.text()).toContain('下载错误报告 (Excel)')
  })

  it('says nothing was imported when all-or-nothing met an error', () => {
    const w = mount(ImportReport, { props: { result: { ...RESULT, status: 'refused', created: 0, updated: 0 }, meta: POIS, atomic: true }, global: { plugins } })
    expect(w.find('[data-test="import-status"]').text()).toContain('本次未导入任何记录')
  })
})

describe('import dialog', () => {
  it('uploads the chosen file with the chosen mode and shows the result; a refusal in Chinese', async () => {
    const fetch = vi
      .fn()
      .mockResolvedValueOnce(json(400, { error: { code: 'unreadable_file', message: '无法读取文件：不是 Excel 或 CSV 文件' } }))
      .mockResolvedValueOnce(json(200, RESULT))
    vi.stubGlobal('fetch', fetch)
    const w = mount(ImportDialog, { props: { modelValue: false, meta: POIS }, global: { plugins }, attachTo: document.body })
    await w.setProps({ modelValue: true })
    await flushPromises()
    const body = document.body
    expect(body.querySelector('[data-test="template-xlsx"]')!.getAttribute('href')).toBe('/api/v1/registries/pois/template?format=xlsx')
    const input = body.querySelector('[data-test="file-input"]') as HTMLInputElement
    Object.defineProperty(input, 'files', { value: [new File(['x'], '兴趣点.xlsx')] })
    input.dispatchEvent(new Event('change'))
    await flushPromises()
    expect(body.querySelector('[data-test="file-name"]')!.textContent).toBe('兴趣点.xlsx')
    ;(body.querySelector('[data-test="import-start"]') as HTMLButtonElement).click()
    await flushPromises()
    expect(body.querySelector('[data-test="import-error"]')!.textContent).toContain('无法读取文件')
    ;(body.querySelector('[data-test="import-start"]') as HTMLButtonElement).click()
    await flushPromises()
    const sent = (fetch.mock.calls[1]![1] as RequestInit).body as FormData
    expect(sent.get('mode')).toBe('partial')
    expect(body.querySelector('[data-test="import-report"]')!.textContent).toContain('名称不能为空')
    expect(w.emitted('imported')).toHaveLength(1)
  })
})

describe('record drawer', () => {
  it('shows every column, the history newest first with its source, and the record as of a day', async () => {
    const history = [
      { at: '2026-01-01T00:00:00Z', by: '导入员', kind: 'created', source: 'import:9f2', changes: [] },
      { at: '2026-03-01T00:00:00Z', by: '张三', kind: 'changed', source: 'console', changes: [{ field: 'kind', header: '类别', before: 'school', after: 'hospital' }] },
    ]
    const fetch = vi.fn(async (url: string) => {
      if (url.endsWith('/history')) return json(200, history)
      if (url.includes('as_of=2025')) return json(404, { error: { code: 'not_yet_recorded', message: '该日期时记录尚未登记' } })
      return json(200, rec(1, { kind: 'hospital', floors: 4 }))
    })
    vi.stubGlobal('fetch', fetch)
    const w = mount(RecordDrawer, { props: { meta: POIS, recordId: 1 }, global: { plugins, stubs }, attachTo: document.body })
    await flushPromises()
    const body = document.body
    const values = body.querySelector('[data-test="record-values"]')!.textContent!
    for (const header of ['编码', '名称', '类别', '楼层数', '备注', '经纬度']) expect(values).toContain(header)
    expect(values).toContain('医院')
    expect(body.querySelector('[data-test="record-edit"]')).not.toBeNull()
    ;(w.vm as unknown as { $: { setupState: { tab: string } } }).$.setupState.tab = 'history'
    await flushPromises()
    const changes = [...body.querySelectorAll('[data-test="history-change"]')].map((li) => li.textContent!.replace(/\s+/g, ''))
    expect(changes).toEqual(['类别：学校→医院'])
    const sources = [...body.querySelectorAll('[data-test="history-source"]')].map((e) => e.textContent!.trim())
    expect(sources).toEqual(['控制台', '导入'])
    ;(w.vm as unknown as { $: { setupState: { asOfDay: string } } }).$.setupState.asOfDay = '2025-06-01'
    await flushPromises()
    expect(fetch.mock.calls.some(([u]) => String(u).includes('as_of=2025-06-01T23%3A59%3A59%2B08%3A00'))).toBe(true)
    expect(body.querySelector('[data-test="as-of-error"]')!.textContent).toContain('该日期时记录尚未登记')
    expect(body.querySelector('[data-test="record-edit"]')).toBeNull()
  })
})
