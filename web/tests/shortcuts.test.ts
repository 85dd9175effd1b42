import { describe, expect, it, vi } from 'vitest'
import { createShortcutHandler, matches, moveIndex, parseShortcut, shortcutLabel } from '../src/lib/shortcuts'

function key(k: string, mods: Partial<KeyboardEventInit> = {}, code?: string): KeyboardEvent {
  return new KeyboardEvent('keydown', { key: k, code, cancelable: true, ...mods })
}

describe('keyboard shortcuts', () => {
  it('parses what the screen shows', () => {
    expect(parseShortcut('Ctrl+Enter')).toEqual({ key: 'enter', ctrl: true, alt: false, shift: false })
    expect(parseShortcut('Alt+2')).toEqual({ key: '2', ctrl: false, alt: true, shift: false })
    expect(parseShortcut('Esc').key).toBe('escape')
  })

  it('matches only the exact modifiers, Cmd counting as Ctrl', () => {
    const submit = parseShortcut('Ctrl+Enter')
    expect(matches(submit, key('Enter', { ctrlKey: true }))).toBe(true)
    expect(matches(submit, key('Enter', { metaKey: true }))).toBe(true)
    expect(matches(submit, key('Enter'))).toBe(false)
    expect(matches(submit, key('Enter', { ctrlKey: true, shiftKey: true }))).toBe(false)
  })

  it('matches Alt+digit by its key code when the layout types another character', () => {
    expect(matches(parseShortcut('Alt+2'), key('™', { altKey: true }, 'Digit2'))).toBe(true)
    expect(matches(parseShortcut('Alt+2'), key('2', { altKey: false }, 'Digit2'))).toBe(false)
  })

  it('runs the first binding that matches and stops the browser default', () => {
    const submit = vi.fn()
    const focus = vi.fn()
    const handle = createShortcutHandler([
      { keys: 'Ctrl+Enter', run: submit },
      { keys: 'Alt+1', run: focus },
    ])
    const e = key('Enter', { ctrlKey: true })
    expect(handle(e)).toBe(true)
    expect(e.defaultPrevented).toBe(true)
    expect(submit).toHaveBeenCalledOnce()
    expect(handle(key('1', { altKey: true }, 'Digit1'))).toBe(true)
    expect(focus).toHaveBeenCalledOnce()
    const plain = key('a')
    expect(handle(plain)).toBe(false)
    expect(plain.defaultPrevented).toBe(false)
  })

  it('leaves Enter to the input method while a Chinese word is being composed', () => {
    const submit = vi.fn()
    const handle = createShortcutHandler([{ keys: 'Ctrl+Enter', run: submit }])
    expect(handle(key('Enter', { ctrlKey: true, isComposing: true }))).toBe(false)
    expect(submit).not.toHaveBeenCalled()
  })

  it('labels Ctrl as ⌘ on a Mac', () => {
    expect(shortcutLabel('Ctrl+Enter', true)).toBe('⌘Enter')
    expect(shortcutLabel('Ctrl+Enter', false)).toBe('Ctrl+Enter')
  })

  it('moves through a list of hits with wrap-around', () => {
    expect(moveIndex(-1, 1, 3)).toBe(0)
    expect(moveIndex(-1, -1, 3)).toBe(2)
    expect(moveIndex(2, 1, 3)).toBe(0)
    expect(moveIndex(0, -1, 3)).toBe(2)
    expect(moveIndex(0, 1, 0)).toBe(-1)
  })
})
