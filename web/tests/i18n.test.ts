import { describe, expect, it } from 'vitest'
import zhCN from '../src/i18n/zh-CN'
import en from '../src/i18n/en'
import { CALLBACK_RESULTS, CHANNELS, REQUEST_TYPES, STATUSES } from '../src/lib/cases'
import { ACTIONS } from '../src/api/actions'

function keys(obj: object, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
}

describe('catalogues', () => {
  it('have the same keys in Chinese and English, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
    for (const k of keys(zhCN)) expect(k.split('.').reduce((o: any, p) => o[p], zhCN), k).toBeTruthy()
  })

  it('name every status, action, request type, channel and rating the console shows', () => {
    for (const s of STATUSES) expect(zhCN.caseStatus).toHaveProperty(s)
    for (const a of Object.keys(ACTIONS)) expect(zhCN.actions).toHaveProperty(a)
    for (const r of REQUEST_TYPES) expect(zhCN.requestTypes).toHaveProperty(r)
    for (const c of CHANNELS) expect(zhCN.channels).toHaveProperty(c)
    for (const r of CALLBACK_RESULTS) expect(zhCN.callbackResults).toHaveProperty(r)
  })
})
