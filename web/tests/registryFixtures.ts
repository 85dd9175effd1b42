// A point registry as GET /api/v1/registries describes it, and its records, for the registry tests.
import type { RegistryMeta, RegistryRecord } from '../src/lib/registry'

export const POIS: RegistryMeta = {
  key: 'pois',
  title: '兴趣点',
  geometry: 'point',
  natural_key: ['code'],
  columns: [
    { field: 'code', header: '编码', kind: 'text', required: true, max_length: 32, choices: null, help: '', example: 'P001' },
    { field: 'name', header: '名称', kind: 'text', required: true, max_length: 100, choices: null, help: '', example: '文泽路地铁站' },
    { field: 'lng', header: '经度', kind: 'lng', required: true, choices: null },
    { field: 'lat', header: '纬度', kind: 'lat', required: true, choices: null },
    {
      field: 'kind',
      header: '类别',
      kind: 'choice',
      required: false,
      choices: [
        { value: 'school', label: '学校' },
        { value: 'hospital', label: '医院' },
      ],
    },
    { field: 'owner_code', header: '权属单位', kind: 'ref', required: false, choices: null },
    { field: 'floors', header: '楼层数', kind: 'int', required: false, choices: null },
    { field: 'opened_on', header: '开业日期', kind: 'date', required: false, choices: null },
    { field: 'open_all_day', header: '全天开放', kind: 'bool', required: false, choices: null },
    { field: 'phone', header: '电话', kind: 'text', required: false, max_length: 20, choices: null },
    { field: 'note', header: '备注', kind: 'text', required: false, max_length: 500, choices: null },
  ],
  filters: ['kind', 'owner_code', 'street'],
  search_fields: ['code', 'name'],
  count: 3,
  can_manage: true,
}

export function rec(id: number, values: Record<string, unknown> = {}, extra: Partial<RegistryRecord> = {}): RegistryRecord {
  return {
    id,
    key: `P${String(id).padStart(3, '0')}`,
    values: { code: `P${String(id).padStart(3, '0')}`, name: `点${id}`, lng: 120.3, lat: 30.3, ...values },
    labels: {},
    lng: 120.3,
    lat: 30.3,
    geometry: null,
    retired_at: null,
    retired_reason: null,
    updated_at: '2026-05-01T02:00:00Z',
    ...extra,
  }
}

