import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRevealState } from '../src/lib/reveal'

afterEach(() => vi.useRealTimers())

describe('masked personal data', () => {
  it('shows the masked value until a reveal succeeds', async () => {
    const fetchReveal = vi.fn(async () => '13812345600')
    const state = createRevealState(fetchReveal)
    expect(state.display(7, '138****5600')).toBe('138****5600')
    expect(state.isRevealed(7)).toBe(false)
    await state.reveal(7, '核实来电人身份')
    expect(fetchReveal).toHaveBeenCalledWith(7, '核实来电人身份')
    expect(state.display(7, '138****5600')).toBe('13812345600')
    expect(state.display(8, '139****0000')).toBe('139****0000')
  })

  it('keeps the value masked when the server refuses', async () => {
    const state = createRevealState(async () => {
      throw new Error('forbidden')
    })
    await expect(state.reveal(7, 'why')).rejects.toThrow('forbidden')
    expect(state.isRevealed(7)).toBe(false)
    expect(state.display(7, '138****5600')).toBe('138****5600')
  })

  it('hides on request and by itself after the time limit', async () => {
    vi.useFakeTimers()
    const state = createRevealState(async (id) => `value-${id}`, { ttlMs: 1000 })
    await state.reveal(1, 'r')
    await state.reveal(2, 'r')
    state.hide(1)
    expect(state.isRevealed(1)).toBe(false)
    expect(state.isRevealed(2)).toBe(true)
    vi.advanceTimersByTime(1001)
    expect(state.isRevealed(2)).toBe(false)
  })

  it('hides everything when leaving the page', async () => {
    const state = createRevealState(async () => 'x', { ttlMs: 0 })
    await state.reveal(1, 'r')
    await state.reveal(2, 'r')
    state.hideAll()
    expect([state.isRevealed(1), state.isRevealed(2)]).toEqual([false, false])
  })
})
