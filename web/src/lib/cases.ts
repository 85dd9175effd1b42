// What the case screens share: warning colours and their order, the form each workflow action
// needs (allowed action → fields → payload), and status groups for the queues.

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
export const CHANNELS = ['hotline', 'web', 'app', 'wechat', 'inspector', 'video', 'sensor', 'system'] as const
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

// ---- Actions and their forms --------------------------------------------------------------

export type FieldKind =
  | 'note'
  | 'reason'
  | 'reply'
  | 'working_days'
  | 'lead_department'
  | 'co_handlers'
  | 'inspector'
  | 'method'
  | 'result'
  | 'into'
  | 'attachments'

export interface ActionField {
  kind: FieldKind
  required: boolean
}

export interface ActionSpec {
  fields: ActionField[]
  /** Button look: the step forward, a refusal, or neutral. */
  tone: 'primary' | 'danger' | 'default'
}

const f = (kind: FieldKind, required = false): ActionField => ({ kind, required })
const note = f('note')

export const ACTION_SPECS: Record<string, ActionSpec> = {
  answer: { fields: [f('note', true)], tone: 'primary' },
  reject: { fields: [f('note', true)], tone: 'danger' },
  submit: { fields: [note], tone: 'primary' },
  dispatch: { fields: [f('lead_department'), f('co_handlers'), note], tone: 'primary' },
  accept: { fields: [note], tone: 'primary' },
  return: { fields: [f('reason', true)], tone: 'danger' },
  accept_return: { fields: [note], tone: 'primary' },
  refuse_return: { fields: [note], tone: 'danger' },
  reply: { fields: [f('reply', true), f('attachments')], tone: 'primary' },
  accept_co: { fields: [note], tone: 'primary' },
  reply_co: { fields: [f('reply', true), f('attachments')], tone: 'primary' },
  request_extension: { fields: [f('working_days', true), f('reason', true)], tone: 'default' },
  approve_extension: { fields: [note], tone: 'primary' },
  refuse_extension: { fields: [note], tone: 'danger' },
  request_suspension: { fields: [f('reason', true)], tone: 'default' },
  approve_suspension: { fields: [note], tone: 'primary' },
  refuse_suspension: { fields: [note], tone: 'danger' },
  resume: { fields: [note], tone: 'primary' },
  feed_back: { fields: [note], tone: 'primary' },
  assign_inspector: { fields: [f('inspector', true), note], tone: 'default' },
  verify_pass: { fields: [f('method', true), f('attachments'), note], tone: 'primary' },
  verify_fail: { fields: [f('method', true), f('attachments'), f('note', true)], tone: 'danger' },
  close: { fields: [note], tone: 'primary' },
  callback: { fields: [f('result', true), note], tone: 'primary' },
  reopen: { fields: [f('note', true)], tone: 'danger' },
  merge: { fields: [f('into', true), note], tone: 'default' },
}

/** The order in which the buttons appear: the step forward first, refusals and merging last. */
const ORDER = Object.keys(ACTION_SPECS)

export function specFor(action: string): ActionSpec {
  return ACTION_SPECS[action] ?? { fields: [note], tone: 'default' }
}

export function orderActions(actions: string[]): string[] {
  const rank = (a: string) => {
    const spec = specFor(a)
    const tone = spec.tone === 'primary' ? 0 : spec.tone === 'default' ? 1 : 2
    const last = a === 'merge' ? 1 : 0
    return last * 1000 + tone * 100 + (ORDER.includes(a) ? ORDER.indexOf(a) : 99)
  }
  return [...actions].sort((a, b) => rank(a) - rank(b))
}

export interface ActionForm {
  note: string
  reason: string
  reply: string
  working_days: number | null
  lead_department_id: number | null
  co_handler_ids: number[]
  inspector_id: number | null
  method: 'site' | 'camera'
  camera: string
  lng: number | null
  lat: number | null
  result: string
  into: string
  attachment_ids: number[]
}

export function emptyActionForm(): ActionForm {
  return {
    note: '',
    reason: '',
    reply: '',
    working_days: null,
    lead_department_id: null,
    co_handler_ids: [],
    inspector_id: null,
    method: 'site',
    camera: '',
    lng: null,
    lat: null,
    result: '',
    into: '',
    attachment_ids: [],
  }
}

/** The body of POST /cases/{number}/actions/{action}: the action's own fields and the version seen. */
export function actionPayload(action: string, form: ActionForm, expectedVersion: number): Record<string, unknown> {
  const body: Record<string, unknown> = { expected_version: expectedVersion }
  for (const { kind } of specFor(action).fields) {
    switch (kind) {
      case 'note':
        if (form.note.trim()) body.note = form.note.trim()
        break
      case 'reason':
        body.reason = form.reason.trim()
        break
      case 'reply':
        body.reply = form.reply.trim()
        break
      case 'working_days':
        body.working_days = form.working_days
        break
      case 'lead_department':
        if (form.lead_department_id !== null) body.lead_department_id = form.lead_department_id
        break
      case 'co_handlers':
        body.co_handler_ids = [...form.co_handler_ids]
        break
      case 'inspector':
        body.inspector_id = form.inspector_id
        break
      case 'method':
        body.method = form.method
        if (form.method === 'camera') body.camera = form.camera.trim()
        else {
          body.lng = form.lng
          body.lat = form.lat
        }
        break
      case 'result':
        body.result = form.result
        break
      case 'into':
        body.into = form.into.trim()
        break
      case 'attachments':
        if (form.attachment_ids.length) body.attachment_ids = [...form.attachment_ids]
        break
    }
  }
  return body
}

/** The form field a server error names (`details.field`), for showing the message beside it. */
export function formFieldOf(serverField: string): string {
  if (serverField === 'lat' || serverField === 'lng') return 'method'
  if (serverField === 'camera') return 'method'
  if (serverField === 'lead_department_id') return 'lead_department'
  if (serverField === 'co_handler_ids') return 'co_handlers'
  if (serverField === 'inspector_id') return 'inspector'
  if (serverField === 'attachment_ids') return 'attachments'
  return serverField
}

/** A conflict means the case moved under us: reload it rather than retry. */
export function isStaleConflict(code: string): boolean {
  return code === 'conflict' || code === 'invalid_transition'
}
