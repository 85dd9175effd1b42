// The form of each workflow action. Which fields an action takes, their kinds, choices and bounds
// come from the backend's contract (api/actions.ts, generated from the OpenAPI document); what is
// written here is only how they look: each field's widget, the order of fields and buttons, the
// buttons' tone. Both maps are typed against the generated names, so that an action or a field
// added, renamed or removed in the backend fails the type check until it has a look here.
import type { paths } from '../api/schema'
import { ACTIONS, type ActionField, type ActionFieldName, type ActionName } from '../api/actions'

export { ACTIONS, type ActionFieldName, type ActionName }

/** One operation per action: its path, and the request body its contract takes. */
export type ActionPath<A extends ActionName> = `/api/v1/cases/{number}/actions/${A}`
export type ActionBody<A extends ActionName> = paths[ActionPath<A>]['post']['requestBody']['content']['application/json']

type FieldNamed<F extends ActionFieldName> = Extract<ActionField, { name: F }>
type KindOf<F extends ActionFieldName> = FieldNamed<F>['kind']
type ChoiceOf<F extends ActionFieldName> = FieldNamed<F> extends { values: readonly (infer V)[] } ? V : never
type ChoiceFieldName = Extract<ActionField, { kind: 'enum' }>['name']

type FormValue<F extends ActionFieldName> = [KindOf<F>] extends ['text']
  ? string
  : [KindOf<F>] extends ['integer' | 'number']
    ? number | null
    : [KindOf<F>] extends ['integer-list']
      ? number[]
      : [KindOf<F>] extends ['enum']
        ? ChoiceOf<F> | ''
        : never

/** What the dialog holds: one value for every field any action takes (an empty choice is ''). */
export type ActionForm = { [F in ActionFieldName]: FormValue<F> }

// ---- presentation ---------------------------------------------------------------------------

/** The widgets a field of each kind may use. */
interface WidgetOfKind<F extends ActionFieldName> {
  text: { widget: 'paragraph'; rows: number } | { widget: 'line' }
  integer: { widget: 'count' | 'department' | 'inspector' }
  number: { widget: 'position' }
  'integer-list': { widget: 'departments' | 'upload' }
  // 'fixed': not shown, always sent as `initial` (the position's CRS: a browser's GPS is WGS-84).
  enum: { widget: 'choice'; labels: ChoiceLabels; initial?: ChoiceOf<F> } | { widget: 'fixed'; initial: ChoiceOf<F> }
}

/** The i18n catalogue section that names a choice's values. */
type ChoiceLabels = 'verifyMethods' | 'callbackResults'

/** Shown only while a choice has this value (e.g. the GPS position for an on-site verification). */
interface Condition {
  when?: { [C in ChoiceFieldName]?: ChoiceOf<C> }
}

type Look<F extends ActionFieldName> = WidgetOfKind<F>[KindOf<F>] & Condition
export type WidgetName = Look<ActionFieldName>['widget']

/** Each field's widget, in the order the dialog shows them (the two halves of a position side by side). */
export const FIELD_WIDGETS = {
  lead_department_id: { widget: 'department' },
  co_handler_ids: { widget: 'departments' },
  inspector_id: { widget: 'inspector' },
  method: { widget: 'choice', labels: 'verifyMethods', initial: 'site' },
  lng: { widget: 'position', when: { method: 'site' } },
  lat: { widget: 'position', when: { method: 'site' } },
  // The inspector's own position (the device's, never the case's point): its accuracy and CRS go with it.
  accuracy: { widget: 'position', when: { method: 'site' } },
  crs: { widget: 'fixed', initial: 'wgs84', when: { method: 'site' } },
  camera: { widget: 'line', when: { method: 'camera' } },
  working_days: { widget: 'count' },
  result: { widget: 'choice', labels: 'callbackResults' },
  into: { widget: 'line' },
  reply: { widget: 'paragraph', rows: 3 },
  reason: { widget: 'paragraph', rows: 2 },
  note: { widget: 'paragraph', rows: 2 },
  attachment_ids: { widget: 'upload' },
} satisfies { [F in ActionFieldName]: Look<F> }

export type Tone = 'primary' | 'danger' | 'default'

/** Each action's button: the step forward, a refusal, or neutral; listed in the order shown. */
export const ACTION_TONES = {
  answer: 'primary',
  reject: 'danger',
  submit: 'primary',
  dispatch: 'primary',
  accept: 'primary',
  return: 'danger',
  accept_return: 'primary',
  refuse_return: 'danger',
  reply: 'primary',
  accept_co: 'primary',
  reply_co: 'primary',
  request_extension: 'default',
  approve_extension: 'primary',
  refuse_extension: 'danger',
  request_suspension: 'default',
  approve_suspension: 'primary',
  refuse_suspension: 'danger',
  resume: 'primary',
  feed_back: 'primary',
  assign_inspector: 'default',
  verify_pass: 'primary',
  verify_fail: 'danger',
  close: 'primary',
  callback: 'primary',
  reopen: 'danger',
  merge: 'default',
  unmerge: 'danger',
} satisfies Record<ActionName, Tone>

/** Any field's look, read without knowing which field it is. */
export interface AnyLook {
  widget: WidgetName
  when?: Condition['when']
  initial?: string
  labels?: ChoiceLabels
  rows?: number
}
const LOOKS: Record<ActionFieldName, AnyLook> = FIELD_WIDGETS

export function lookOf(name: ActionFieldName): AnyLook {
  return LOOKS[name]
}

/** Any field's contract, read without knowing which field it is. */
export interface FieldSpec {
  name: ActionFieldName
  kind: ActionField['kind']
  required: boolean
  values?: readonly string[]
  minLength?: number
  maxLength?: number
  min?: number
  max?: number
  maxItems?: number
}

const FIELD_ORDER = Object.keys(FIELD_WIDGETS) as ActionFieldName[]
const ACTION_ORDER = Object.keys(ACTION_TONES) as ActionName[]

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(ACTIONS, name)
}

export function toneOf(action: ActionName): Tone {
  return ACTION_TONES[action]
}

/**
 * The buttons for the actions the server allows, in order: steps forward first, neutral ones,
 * refusals, merging last. A name the console has no contract for is left out (it could not be sent).
 */
export function orderActions(actions: readonly string[]): ActionName[] {
  const rank = (a: ActionName) => {
    const tone = { primary: 0, default: 1, danger: 2 }[toneOf(a)]
    return (a === 'merge' ? 1000 : 0) + tone * 100 + ACTION_ORDER.indexOf(a)
  }
  return actions.filter(isActionName).sort((a, b) => rank(a) - rank(b))
}

// ---- the form -------------------------------------------------------------------------------

function isShown(name: ActionFieldName, form: ActionForm): boolean {
  return Object.entries(LOOKS[name].when ?? {}).every(([choice, value]) => form[choice as ChoiceFieldName] === value)
}

export function emptyActionForm(): ActionForm {
  const form: Record<string, unknown> = {}
  for (const fields of Object.values(ACTIONS)) {
    for (const f of fields) {
      form[f.name] = f.kind === 'text' ? '' : f.kind === 'integer-list' ? [] : f.kind === 'enum' ? (LOOKS[f.name].initial ?? '') : null
    }
  }
  return form as ActionForm
}

/** One line of the dialog: a widget and the contract of the field(s) it edits. */
export interface FormRow {
  widget: WidgetName
  /** Two for a position (lng, lat); one otherwise. */
  fields: FieldSpec[]
  required: boolean
}

/** The lines of an action's dialog as the form stands (a choice may show or hide some). */
export function formRows(action: ActionName, form: ActionForm): FormRow[] {
  const byName = new Map<ActionFieldName, FieldSpec>(ACTIONS[action].map((f) => [f.name, f]))
  const rows: FormRow[] = []
  for (const name of FIELD_ORDER) {
    const field = byName.get(name)
    if (!field || !isShown(name, form)) continue
    const { widget } = LOOKS[name]
    if (widget === 'fixed') continue
    const previous = rows.at(-1)
    if (widget === 'position' && previous?.widget === 'position') previous.fields.push(field)
    else rows.push({ widget, fields: [field], required: field.required })
  }
  return rows
}

function isEmpty(value: unknown): boolean {
  return value === null || (typeof value === 'string' && !value.trim()) || (Array.isArray(value) && !value.length)
}

/** The fields the contract requires that are still empty: the dialog asks for them before sending. */
export function missingFields(action: ActionName, form: ActionForm): ActionFieldName[] {
  return ACTIONS[action].filter((f) => f.required && isShown(f.name, form) && isEmpty(form[f.name])).map((f) => f.name)
}

/**
 * The body of POST /cases/{number}/actions/<action>: exactly the fields of the action's contract,
 * and the version seen. Texts are trimmed and always sent (a hidden one as ''); a number left empty
 * is left out (the contract's default, e.g. the routing suggestion); a list is sent as it stands
 * ([] co-handlers means none); a field its choice hides (the position for a camera check) is not sent.
 */
export function actionPayload<A extends ActionName>(action: A, form: ActionForm, expectedVersion: number): ActionBody<A> {
  const body: Record<string, unknown> = { expected_version: expectedVersion }
  for (const field of ACTIONS[action] as readonly FieldSpec[]) {
    const value: unknown = form[field.name]
    const shown = isShown(field.name, form)
    if (field.kind === 'text') body[field.name] = shown ? String(value).trim() : ''
    else if (!shown) continue
    else if (Array.isArray(value)) body[field.name] = [...value]
    else if (value !== null && value !== '') body[field.name] = value
  }
  return body as ActionBody<A>
}

/** A conflict means the case moved under us: reload it rather than retry. */
export function isStaleConflict(code: string): boolean {
  return code === 'conflict' || code === 'invalid_transition'
}
