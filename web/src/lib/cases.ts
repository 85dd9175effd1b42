// What the case screens share: warning colours and their order, and status groups for the
// queues. The forms of the workflow actions are in lib/actionForms.ts.

export type WarningLevel = 'green' | 'yellow' | 'red'

export const WARNING_RANK: Record<string, number> = { red: 0, yellow: 1, green: 2 }

export const WARNING_TAG: Record<string, 'success' | 'warning' | 'danger' | 'info'> = {
  green: 'success',
  yellow: 'warning',
  red: 'danger',
}

export const STATUSES = [
  'registered',
  'answered',
  'rejected',
  'to_dispatch',
  'dispatched',
  'returned',
  'in_progress',
  'extension_requested',
  'suspension_requested',
  'suspended',
  'to_verify',
  'verified',
  'closed',
  'callback_done',
  'merged',
] as const

export const OPEN_STATUSES = [
  'registered',
  'to_dispatch',
  'dispatched',
  'returned',
  'in_progress',
  'extension_requested',
  'suspension_requested',
  'suspended',
  'to_verify',
  'verified',
]

/** Where a department still has work on a case (lead or co-handler). */
export const WORKING_STATUSES = ['dispatched', 'in_progress', 'extension_requested', 'suspension_requested', 'suspended']

export const REQUEST_TYPES = ['complaint', 'help', 'consultation', 'report', 'suggestion', 'praise'] as const
export const CHANNELS = ['hotline', 'dept_hotline', 'web', 'app', 'wechat', 'inspector', 'grid', 'video', 'drone', 'sensor', 'system', 'open311'] as const
export const URGENCIES = ['normal', 'urgent'] as const
export const CALLBACK_RESULTS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const
export const NOTICE_LEVELS = ['general', 'key', 'listed'] as const

export function statusTag(status: string): 'success' | 'warning' | 'danger' | 'info' | 'primary' {
  if (['closed', 'callback_done', 'answered', 'verified'].includes(status)) return 'success'
  if (['returned', 'extension_requested', 'suspension_requested', 'to_dispatch'].includes(status)) return 'warning'
  if (['rejected', 'merged'].includes(status)) return 'info'
  return 'primary'
}

interface Sortable {
  warning_level: string
  created_at: string
  /** The earliest running stage deadline (the list's next_due_at); null when no clock runs. */
  next_due_at?: string | null
}

function instant(v: string | null | undefined): number | null {
  if (!v) return null
  const t = Date.parse(v)
  return Number.isNaN(t) ? null : t
}

/**
 * Most urgent first: red, then yellow, then green; within a colour the deadline due soonest,
 * cases with no running clock (suspended, awaiting a decision) after those with one, and then
 * the oldest case.
 */
export function compareUrgency(a: Sortable, b: Sortable): number {
  const byLevel = (WARNING_RANK[a.warning_level] ?? 3) - (WARNING_RANK[b.warning_level] ?? 3)
  if (byLevel) return byLevel
  const da = instant(a.next_due_at)
  const db = instant(b.next_due_at)
  if (da !== null && db !== null && da !== db) return da - db
  if (da !== null && db === null) return -1
  if (da === null && db !== null) return 1
  return a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0
}

export function sortByUrgency<T extends Sortable>(rows: T[]): T[] {
  return [...rows].sort(compareUrgency)
}
