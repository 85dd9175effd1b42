import { describe, expect, it } from 'vitest'
import { channelForLine, isLookupPhone, saveExtension, savedExtension } from '../src/components/channels/callerPanel'
import zh from '../src/i18n/zh-CN'
import en from '../src/i18n/en'

describe('caller panel', () => {
  it('looks up phone numbers only', () => {
    expect(isLookupPhone('13812345678')).toBe(true)
    expect(isLookupPhone('0571-8888888')).toBe(true)
    expect(isLookupPhone('138')).toBe(false)
    expect(isLookupPhone('abc1234567')).toBe(false)
  })

  it('registers a call on 12345 as the hotline and others as a department hotline when known', () => {
    expect(channelForLine('12345', ['hotline'])).toBe('hotline')
    expect(channelForLine('96310', ['hotline'])).toBe('hotline')
    expect(channelForLine('96310', ['hotline', 'dept_hotline'])).toBe('dept_hotline')
  })

  it('remembers the agent extension', () => {
    const store = new Map<string, string>()
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) }
    saveExtension(' 8001 ', storage)
    expect(savedExtension(storage)).toBe('8001')
  })
})

describe('channel labels', () => {
  const wanted = ['hotline', 'dept_hotline', 'web', 'app', 'wechat', 'inspector', 'grid', 'video', 'drone', 'sensor', 'system', 'open311', 'police_110', 'environment', 'digital_city', 'enforcement', 'work_safety', 'petitions']
  it('names every channel in Chinese and English', () => {
    for (const c of wanted) {
      expect((zh.channels as Record<string, string>)[c]).toMatch(/[\u4e00-\u9fff]|Open311/)
      expect((en.channels as Record<string, string>)[c]).toBeTruthy()
    }
    expect(zh.channels.hotline).toBe('12345热线')
    expect((zh.channels as Record<string, string>).petitions).toBe('信访')
  })
})
