import { describe, expect, it } from 'vitest'
import { CallPoller, POLL, nextPollDelay, type PollerEnv } from '../src/components/channels/callerPanel'

const base = { hidden: false, hasExtension: true, inCall: false, idleForMs: 0, failures: 0 }

describe('call polling schedule', () => {
  it('polls every 3 s at a desk in use, never when hidden or without an extension', () => {
    expect(nextPollDelay(base)).toBe(POLL.activeMs)
    expect(nextPollDelay({ ...base, hidden: true })).toBeNull()
    expect(nextPollDelay({ ...base, hasExtension: false })).toBeNull()
    expect(nextPollDelay({ ...base, inCall: true })).toBe(POLL.inCallMs)
  })

  it('backs off while the desk is idle and when the bridge fails, within ceilings', () => {
    const idle = [1, 2, 3, 4, 10].map((n) => nextPollDelay({ ...base, idleForMs: n * POLL.idleAfterMs })!)
    expect(idle).toEqual([6000, 12000, 24000, 30000, 30000])
    const failing = [1, 2, 3, 4, 5, 8].map((failures) => nextPollDelay({ ...base, failures })!)
    expect(failing).toEqual([6000, 12000, 24000, 48000, 60000, 60000])
    for (let i = 0; i < 50; i++) expect(nextPollDelay({ ...base, idleForMs: i * 17_000 })!).toBeLessThanOrEqual(POLL.maxIdleMs)
  })
})

/** A fake clock, timers and document for the poller. */
function fakeEnv() {
  let now = 0
  let hidden = false
  let timers: { at: number; fn: () => void; id: number }[] = []
  let nextId = 1
  let onVisibility = () => {}
  let onActivity = () => {}
  const env: PollerEnv = {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++
      timers.push({ at: now + ms, fn, id })
      return id
    },
    clearTimeout: (h) => (timers = timers.filter((t) => t.id !== h)),
    hidden: () => hidden,
    listen: (v, a) => {
      onVisibility = v
      onActivity = a
      return () => {}
    },
  }
  return {
    env,
    async advance(ms: number) {
      const until = now + ms
      for (;;) {
        // Let the poll's promise settle: it schedules the next timer when it does.
        for (let i = 0; i < 5; i++) await Promise.resolve()
        timers.sort((a, b) => a.at - b.at)
        const next = timers[0]
        if (!next || next.at > until) break
        timers.shift()
        now = next.at
        next.fn()
      }
      now = until
    },
    setHidden(value: boolean) {
      hidden = value
      onVisibility()
    },
    touch: () => onActivity(),
    pending: () => timers.length,
  }
}

describe('CallPoller', () => {
  it('stops while the tab is hidden and asks at once when it comes back', async () => {
    const fake = fakeEnv()
    let calls = 0
    const poller = new CallPoller(async () => (calls++, true), () => ({ hasExtension: true, inCall: false }), fake.env)
    poller.start()
    await fake.advance(0)
    expect(calls).toBe(1)
    await fake.advance(9000)
    expect(calls).toBe(4) // every 3 s
    fake.setHidden(true)
    await fake.advance(60000)
    expect(calls).toBe(4)
    expect(fake.pending()).toBe(0)
    fake.setHidden(false)
    await fake.advance(0)
    expect(calls).toBe(5)
    poller.stop()
    await fake.advance(60000)
    expect(calls).toBe(5)
  })

  it('slows down on an idle desk and speeds up at the first touch', async () => {
    const fake = fakeEnv()
    let calls = 0
    const poller = new CallPoller(async () => (calls++, true), () => ({ hasExtension: true, inCall: false }), fake.env)
    poller.start()
    await fake.advance(10 * 60 * 1000) // ten idle minutes
    const idleCalls = calls
    // 2 min at 3 s is 40 polls, then 6, 12, 24, 30 s: about 80 in ten minutes instead of 200.
    expect(idleCalls).toBeGreaterThan(70)
    expect(idleCalls).toBeLessThanOrEqual(85)
    fake.touch()
    await fake.advance(0)
    expect(calls).toBe(idleCalls + 1)
    await fake.advance(3000)
    expect(calls).toBe(idleCalls + 2)
    poller.stop()
  })

  it('does not poll without an extension', async () => {
    const fake = fakeEnv()
    let calls = 0
    const poller = new CallPoller(async () => (calls++, true), () => ({ hasExtension: false, inCall: false }), fake.env)
    poller.start()
    await fake.advance(60000)
    expect(calls).toBe(0)
    poller.stop()
  })
})
