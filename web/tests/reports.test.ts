import { afterEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import ElementPlus from 'element-plus'
import ReportsView from '../src/views/ReportsView.vue'
import { i18n } from '../src/i18n'

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}
const global = { plugins: [ElementPlus, i18n] }

function report(id: number, month: string, status: string, total: number | null) {
  const done = status === 'done'
  return {
    id,
    month,
    scope_label: '钱塘区',
    kind: 'on_request',
    kind_label: '按需生成',
    status,
    status_label: { done: '已生成', queued: '排队中', failed: '生成失败' }[status],
    error: status === 'failed' ? 'boom' : '',
    total,
    owner_name: '领导',
    requested_at: '2026-12-01T01:00:00Z',
    finished_at: done ? '2026-12-01T01:00:09Z' : null,
    seconds: done ? 8.7 : null,
    pdf_url: done ? `/api/v1/reports/${id}/pdf` : null,
    html_url: done ? `/api/v1/reports/${id}/html` : null,
  }
}

afterEach(() => vi.unstubAllGlobals())

describe('the monthly reports screen', () => {
  it('lists the reports with their downloads, previews the newest ready one and generates the month picked', async () => {
    vi.stubGlobal('matchMedia', () => ({ matches: false, addEventListener() {}, removeEventListener() {} }))
    let list = [report(2, '2026-10', 'failed', null), report(1, '2026-09', 'done', 486)]
    const posted: unknown[] = []
    vi.stubGlobal(
      'fetch',
      vi.fn(async (req: Request) => {
        const url = new URL(req.url)
        if (url.pathname === '/api/v1/reports' && req.method === 'GET') return json(200, list)
        if (url.pathname === '/api/v1/reports/monthly' && req.method === 'POST') {
          posted.push(await req.json())
          list = [report(3, '2026-11', 'done', 800), ...list]
          return json(202, report(3, '2026-11', 'queued', null))
        }
        return json(404, { error: { code: 'not_found', message: 'no', details: {} } })
      }),
    )
    const wrapper = mount(ReportsView, { global, attachTo: document.body })
    await flushPromises()
    const table = wrapper.find('[data-test="reports"]').text()
    expect(table).toContain('2026-10')
    expect(table).toContain('生成失败')
    expect(table).toContain('486')
    expect(wrapper.find('[data-test="report-pdf-1"]').attributes('href')).toBe('/api/v1/reports/1/pdf')
    expect(wrapper.find('[data-test="report-pdf-2"]').exists()).toBe(false) // a failed report has no file
    expect(wrapper.find('[data-test="report-preview"] iframe').attributes('src')).toBe('/api/v1/reports/1/html')

    await wrapper.find('[data-test="report-generate"]').trigger('click')
    await flushPromises()
    expect(posted).toHaveLength(1)
    expect((posted[0] as { month: string }).month).toMatch(/^\d{4}-\d{2}$/)
    expect(wrapper.find('[data-test="reports"]').text()).toContain('800')
    expect(wrapper.find('[data-test="report-preview"] iframe').attributes('src')).toBe('/api/v1/reports/3/html')
    wrapper.unmount()
  })
})
