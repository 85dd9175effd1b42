// Masked personal data and its audited reveal: values are shown masked until a reveal succeeds,
// and a revealed value hides itself again after `ttlMs` (the reveal is for one look, not a session).
import { reactive } from 'vue'

export interface RevealState {
  /** What to show for a person: the revealed value while it lasts, else the masked one. */
  display(id: number, masked: string): string
  isRevealed(id: number): boolean
  /** Ask the server (which audits the reveal); the value is kept only when it answers. */
  reveal(id: number, reason: string): Promise<void>
  hide(id: number): void
  hideAll(): void
}

export function createRevealState(
  fetchReveal: (id: number, reason: string) => Promise<string>,
  options: { ttlMs?: number } = {},
): RevealState {
  const ttlMs = options.ttlMs ?? 60_000
  const values = reactive(new Map<number, string>())
  const timers = new Map<number, ReturnType<typeof setTimeout>>()

  function hide(id: number) {
    values.delete(id)
    const timer = timers.get(id)
    if (timer !== undefined) clearTimeout(timer)
    timers.delete(id)
  }

  return {
    display: (id, masked) => values.get(id) ?? masked,
    isRevealed: (id) => values.has(id),
    async reveal(id, reason) {
      const value = await fetchReveal(id, reason)
      hide(id)
      values.set(id, value)
      if (ttlMs > 0) timers.set(id, setTimeout(() => hide(id), ttlMs))
    },
    hide,
    hideAll() {
      for (const id of [...values.keys()]) hide(id)
    },
  }
}
