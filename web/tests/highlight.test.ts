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

describe('category search highlighting by words and full pinyin (decision 060)', () => {
  const lamp = { words: 'ld bl', syllables: ['lu', 'deng', 'bu', 'liang'] }

  it('marks a later word by its initials', () => {
    expect(marked(highlight('路灯不亮', 'bl', 'ldbl', lamp))).toBe('路灯[不亮]')
    expect(marked(highlight('占道经营', 'jy', 'zdjy', { words: 'zd jy', syllables: ['zhan', 'dao', 'jing', 'ying'] }))).toBe('占道[经营]')
  })

  it('prefers the start of the name to a later occurrence of the same initials', () => {
    // 路灯井盖 is "ldjg"; "ld" marks 路灯, not a later "ld".
    expect(marked(highlight('路灯楼道', 'ld', 'ldld', { words: 'ld ld', syllables: ['lu', 'deng', 'lou', 'dao'] }))).toBe('[路灯]楼道')
  })

  it('prefers a word start to an occurrence across words', () => {
    // "dl" occurs across 路灯|楼 in "ldlj" … but as the word 道路 later.
    const info = { words: 'ld l dl', syllables: ['lu', 'deng', 'lou', 'dao', 'lu'] }
    expect(marked(highlight('路灯楼道路', 'dl', 'ldldl', info))).toBe('路灯楼[道路]')
  })

  it('marks the characters whose full pinyin was typed', () => {
    expect(marked(highlight('路灯不亮', 'ludeng', 'ldbl', lamp))).toBe('[路灯]不亮')
    expect(marked(highlight('路灯不亮', 'deng', 'ldbl', lamp))).toBe('路[灯]不亮')
    expect(marked(highlight('上水井盖', 'jinggai', 'ssjg', { words: 'ss jg', syllables: ['shang', 'shui', 'jing', 'gai'] }))).toBe('上水[井盖]')
  })

  it('skips punctuation in the syllables', () => {
    const info = { words: 'sy q jg', syllables: ['shu', 'you', '', 'qi', '', 'jing', 'gai'] }
    expect(marked(highlight('输油（气）井盖', 'qjg', 'syqjg', info))).toBe('输油（[气]）[井盖]')
  })

  it('highlights the leaf of a path with its words', () => {
    const levels = highlightPath('城市管理部件 / 公用设施 / 路灯不亮', 'bl', 'csglbj/gyss/ldbl', ' / ', lamp)
    expect(levels.map(marked)).toEqual(['城市管理部件', '公用设施', '路灯[不亮]'])
  })
})
