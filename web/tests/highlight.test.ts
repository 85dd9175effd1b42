import { describe, expect, it } from 'vitest'
import { highlight, highlightPath } from '../src/lib/highlight'

const marked = (segments: { text: string; hit: boolean }[]) =>
  segments.map((s) => (s.hit ? `[${s.text}]` : s.text)).join('')

describe('category search highlighting', () => {
  it('marks the typed text inside the name', () => {
    expect(marked(highlight('夜间施工噪声', '噪声'))).toBe('夜间施工[噪声]')
  })

  it('ignores case for Latin text', () => {
    expect(marked(highlight('PM2.5超标', 'pm2'))).toBe('[PM2].5超标')
  })

  it('marks the characters whose pinyin initials were typed', () => {
    expect(marked(highlight('路灯不亮', 'ld', 'ldbl'))).toBe('[路灯]不亮')
    expect(marked(highlight('夜间施工噪声', 'zs', 'yjsgzs'))).toBe('夜间施工[噪声]')
  })

  it('counts ASCII letters and digits as their own initials and skips punctuation', () => {
    // pinyin_initials("12345热线（转办）") == "12345rxzb"
    expect(marked(highlight('12345热线（转办）', 'rx', '12345rxzb'))).toBe('12345[热线]（转办）')
    expect(marked(highlight('12345热线（转办）', 'zb', '12345rxzb'))).toBe('12345热线（[转办]）')
  })

  it('marks nothing when the initials do not line up with the name', () => {
    expect(marked(highlight('路灯', 'ld', 'l'))).toBe('路灯')
    expect(marked(highlight('路灯', 'xyz', 'ld'))).toBe('路灯')
    expect(marked(highlight('路灯', '', 'ld'))).toBe('路灯')
  })

  it('highlights each level of a path with its own initials', () => {
    const levels = highlightPath('市政管理 / 路灯 / 路灯不亮', 'ld', 'szgl/ld/ldbl')
    expect(levels.map(marked)).toEqual(['市政管理', '[路灯]', '[路灯]不亮'])
  })
})
