// The caller panel's rules, apart from the screen so that vitest can check them.

/** Enough digits to be a phone number worth looking up (a landline without area code has 7). */
export function isLookupPhone(phone: string): boolean {
  return /^\+?[0-9-]{7,20}$/.test(phone.trim()) && phone.replace(/\D/g, '').length >= 7
}

/** The channel a call on this line is registered under: 12345, else a merged department hotline
 *  when the platform knows that channel value. */
export function channelForLine(line: string, known: readonly string[]): string {
  if (line === '12345') return 'hotline'
  return known.includes('dept_hotline') ? 'dept_hotline' : 'hotline'
}

const EXTENSION_KEY = 'zhiguan.intake.extension'

export function savedExtension(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string {
  try {
    return storage?.getItem(EXTENSION_KEY) ?? ''
  } catch {
    return ''
  }
}

export function saveExtension(value: string, storage: Pick<Storage, 'setItem'> | undefined = globalThis.localStorage): void {
  try {
    storage?.setItem(EXTENSION_KEY, value.trim())
  } catch {
    // private mode: the extension lasts for this page only
  }
}

// ---- polling the call at my extension (docs/decisions/085) ----
// There is no push channel in the stack, so the panel asks; but it asks only while someone can
// see the answer: never while the tab is hidden or no extension is set, every 3 s while the
// operator is at the desk, less and less often (up to 30 s) once nobody has touched the page for a
// while or the bridge keeps failing, and at once again on the first key, click or return to the tab.

export const POLL = {
  activeMs: 3000,
  /** During a call the panel only waits for its end. */
  inCallMs: 10000,
  maxIdleMs: 30000,
  maxErrorMs: 60000,
  /** No key or pointer event for this long: the desk is idle. */
  idleAfterMs: 2 * 60 * 1000,
}

export interface PollState {
  hidden: boolean
  hasExtension: boolean
  inCall: boolean
  /** ms since the operator last pressed a key, clicked or moved the pointer */
  idleForMs: number
  /** failed polls in a row */
  failures: number
}

/** The wait before the next poll, or null: do not poll at all until something changes. */
export function nextPollDelay(s: PollState): number | null {
  if (s.hidden || !s.hasExtension) return null
  if (s.failures > 0) return Math.min(POLL.activeMs * 2 ** s.failures, POLL.maxErrorMs)
  if (s.inCall) return POLL.inCallMs
  if (s.idleForMs < POLL.idleAfterMs) return POLL.activeMs
  // Idle: double the wait for every further idle period, up to the ceiling.
  const periods = Math.floor(s.idleForMs / POLL.idleAfterMs)
  return Math.min(POLL.activeMs * 2 ** periods, POLL.maxIdleMs)
}

export interface PollerEnv {
  now: () => number
  setTimeout: (fn: () => void, ms: number) => unknown
  clearTimeout: (handle: unknown) => void
  hidden: () => boolean
  /** Subscribe to visibility changes and operator activity; returns the unsubscribe. */
  listen: (onVisibility: () => void, onActivity: () => void) => () => void
}

export function browserEnv(): PollerEnv {
  return {
    now: () => Date.now(),
    setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
    clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
    hidden: () => typeof document !== 'undefined' && document.visibilityState === 'hidden',
    listen: (onVisibility, onActivity) => {
      if (typeof document === 'undefined') return () => {}
      const activity = ['keydown', 'pointerdown', 'pointermove', 'focus'] as const
      document.addEventListener('visibilitychange', onVisibility)
      for (const name of activity) window.addEventListener(name, onActivity, { passive: true })
      return () => {
        document.removeEventListener('visibilitychange', onVisibility)
        for (const name of activity) window.removeEventListener(name, onActivity)
      }
    },
  }
}

/** Runs `poll` on the schedule of `nextPollDelay`. `poll` resolves true on success. */
export class CallPoller {
  private handle: unknown = null
  private running = false
  private lastActivity: number
  private failures = 0
  private unlisten: () => void = () => {}
  private inFlight = false

  constructor(
    private readonly poll: () => Promise<boolean>,
    private readonly state: () => { hasExtension: boolean; inCall: boolean },
    private readonly env: PollerEnv = browserEnv(),
  ) {
    this.lastActivity = env.now()
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.unlisten = this.env.listen(
      () => (this.env.hidden() ? this.cancel() : this.now()),
      () => this.activity(),
    )
    this.now()
  }

  stop(): void {
    this.running = false
    this.cancel()
    this.unlisten()
  }

  /** Poll at once and go on from there (the extension changed, the tab came back). */
  now(): void {
    if (!this.running) return
    this.cancel()
    void this.tick()
  }

  /** The delay the poller would wait now (for tests and the panel's hint). */
  delay(): number | null {
    const { hasExtension, inCall } = this.state()
    return nextPollDelay({ hidden: this.env.hidden(), hasExtension, inCall, idleForMs: this.env.now() - this.lastActivity, failures: this.failures })
  }

  private activity(): void {
    const wasIdle = this.env.now() - this.lastActivity >= POLL.idleAfterMs
    this.lastActivity = this.env.now()
    // Back from idle (or nothing scheduled): ask now rather than after the long wait.
    if (wasIdle || this.handle === null) this.now()
  }

  private cancel(): void {
    if (this.handle !== null) this.env.clearTimeout(this.handle)
    this.handle = null
  }

  private async tick(): Promise<void> {
    if (!this.running || this.env.hidden() || !this.state().hasExtension || this.inFlight) {
      this.schedule()
      return
    }
    this.inFlight = true
    try {
      this.failures = (await this.poll()) ? 0 : this.failures + 1
    } catch {
      this.failures += 1
    } finally {
      this.inFlight = false
    }
    this.schedule()
  }

  private schedule(): void {
    this.cancel()
    if (!this.running) return
    const wait = this.delay()
    if (wait !== null) this.handle = this.env.setTimeout(() => void this.tick(), wait)
  }
}
