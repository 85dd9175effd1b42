// Keyboard shortcuts for screens worked with the phone on the ear: "Ctrl+Enter", "Alt+2", "Esc".
// One parser, one matcher, one handler, so the screen shows exactly the keys it listens to.

export interface Shortcut {
  key: string
  ctrl: boolean
  alt: boolean
  shift: boolean
}

const ALIASES: Record<string, string> = { esc: 'escape', return: 'enter', space: ' ' }

export function parseShortcut(text: string): Shortcut {
  const parts = text.split('+').map((p) => p.trim().toLowerCase())
  const key = parts.pop() ?? ''
  return {
    key: ALIASES[key] ?? key,
    ctrl: parts.includes('ctrl') || parts.includes('cmd') || parts.includes('meta'),
    alt: parts.includes('alt'),
    shift: parts.includes('shift'),
  }
}

interface KeyLike {
  key: string
  code?: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

export function matches(shortcut: Shortcut, e: KeyLike): boolean {
  // Alt+digit gives another character on some layouts; the code (Digit2) does not change.
  const key = e.key.toLowerCase()
  const byCode = e.code?.startsWith('Digit') ? e.code.slice(5) : e.code?.startsWith('Key') ? e.code.slice(3).toLowerCase() : ''
  const sameKey = key === shortcut.key || byCode === shortcut.key
  return (
    sameKey &&
    (e.ctrlKey || e.metaKey) === shortcut.ctrl &&
    e.altKey === shortcut.alt &&
    e.shiftKey === shortcut.shift
  )
}

export interface Binding {
  keys: string
  run: (e: KeyboardEvent) => void
}

/** A keydown listener running the first binding that matches (and stopping the browser's own). */
export function createShortcutHandler(bindings: Binding[]): (e: KeyboardEvent) => boolean {
  const parsed = bindings.map((b) => ({ shortcut: parseShortcut(b.keys), run: b.run }))
  return (e: KeyboardEvent) => {
    if (e.isComposing) return false // typing Chinese with an input method: Enter picks a word
    for (const { shortcut, run } of parsed) {
      if (matches(shortcut, e)) {
        e.preventDefault()
        e.stopPropagation()
        run(e)
        return true
      }
    }
    return false
  }
}

/** "Ctrl+Enter" as the person's platform writes it (⌘ on a Mac). */
export function shortcutLabel(keys: string, mac = /Mac|iPhone|iPad/.test(globalThis.navigator?.platform ?? '')): string {
  return mac ? keys.replace(/Ctrl\+/g, '⌘').replace(/Alt\+/g, '⌥') : keys
}

/** Next/previous index in a list of `length` hits (arrow keys), wrapping around. */
export function moveIndex(current: number, delta: number, length: number): number {
  if (length <= 0) return -1
  if (current < 0) return delta > 0 ? 0 : length - 1
  return (current + delta + length) % length
}
