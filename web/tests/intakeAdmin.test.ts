import { describe, expect, it } from 'vitest'
import { attributeProblem, cleanValues, matchesService, mobileNumber, validAttributeCode } from '../src/components/intakeAdmin/rules'
import zh from '../src/i18n/intakeAdmin.zh-CN'
import en from '../src/i18n/intakeAdmin.en'
import zhAll from '../src/i18n/zh-CN'
import { MENU } from '../src/menu'

describe('Open311 attribute form', () => {
  it('takes codes a client can send as attribute[code]', () => {
    expect(validAttributeCode('stall_size')).toBe(true)
    expect(validAttributeCode('a-1')).toBe(true)
    expect(validAttributeCode('size code')).toBe(false)
    expect(validAttributeCode('尺寸')).toBe(false)
    expect(validAttributeCode('x'.repeat(65))).toBe(false)
  })

  it('keeps choices for list types only, trimmed, blank rows dropped', () => {
    expect(cleanValues('text', [{ key: 'a', name: '甲' }])).toEqual([])
    expect(cleanValues('singlevaluelist', [{ key: ' a ', name: ' 甲 ' }, { key: '', name: '' }])).toEqual([{ key: 'a', name: '甲' }])
  })

  it('names what stops a save', () => {
    const ok = { code: 'size', description: '摊位大小', datatype: 'singlevaluelist', values: [{ key: 's', name: '小' }] }
    expect(attributeProblem(ok)).toBe('')
    expect(attributeProblem({ ...ok, code: 'a b' })).toMatch(/codeHint$/)
    expect(attributeProblem({ ...ok, description: ' ' })).toMatch(/description$/)
    expect(attributeProblem({ ...ok, values: [] })).toMatch(/values$/)
    expect(attributeProblem({ ...ok, values: [{ key: 's', name: '小' }, { key: 's', name: '大' }] })).toMatch(/valueKey$/)
    expect(attributeProblem({ ...ok, datatype: 'number', values: [] })).toBe('')
  })

  it('finds services by name, code or group', () => {
    const s = { name: '占道经营', code: 'SR-ROAD', group: '市容环境' }
    expect(matchesService(s, '')).toBe(true)
    expect(matchesService(s, 'sr-road')).toBe(true)
    expect(matchesService(s, '市容')).toBe(true)
    expect(matchesService(s, '噪声')).toBe(false)
  })
})

describe('opt-out numbers', () => {
  it('reads a mobile number as the server does', () => {
    expect(mobileNumber('+86 138-1234-5678')).toBe('13812345678')
    expect(mobileNumber('008613812345678')).toBe('13812345678')
    expect(mobileNumber('0571-86001234')).toBeNull()
    expect(mobileNumber('12812345678')).toBeNull()
  })
})

describe('screens', () => {
  function keys(obj: object, prefix = ''): string[] {
    return Object.entries(obj).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]))
  }
  it('have Chinese and English texts for the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zh).sort())
  })
  it('are in the menu with a name', () => {
    for (const key of ['open311', 'channelMappings', 'optOuts']) {
      expect(MENU.find((m) => m.key === key)).toBeTruthy()
      expect(zhAll.menu).toHaveProperty(key)
    }
  })
})
