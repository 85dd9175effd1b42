// The action forms come from the generated contract (src/api/actions.ts): these tests read that
// file, so that an action or field added, renamed or removed in the backend fails here (and in the
// type check) until the console gives it a widget, a label and a button.
import { describe, expect, expectTypeOf, it } from 'vitest'
import zhCN from '../src/i18n/zh-CN'
import en from '../src/i18n/en'
import {
  ACTIONS,
  ACTION_TONES,
  FIELD_WIDGETS,
  actionPayload,
  emptyActionForm,
  formRows,
  isStaleConflict,
  lookOf,
  missingFields,
  orderActions,
  type ActionBody,
  type ActionForm,
  type ActionName,
  type WidgetName,
} from '../src/lib/actionForms'

const names = Object.keys(ACTIONS) as ActionName[]
const fieldsOf = (a: ActionName) => ACTIONS[a].map((f) => f.name as string)

/** The kinds of contract field each widget can edit. */
const WIDGET_KINDS: Record<WidgetName, string[]> = {
  paragraph: ['text'],
  line: ['text'],
  count: ['integer'],
  department: ['integer'],
  inspector: ['integer'],
  position: ['number'],
  departments: ['integer-list'],
  upload: ['integer-list'],
  choice: ['enum'],
  fixed: ['enum'],
}

/** A form where every field holds something, so that any field left out of a body was left out on purpose. */
function filled(method: 'site' | 'camera'): ActionForm {
  return {
    ...emptyActionForm(),
    note: ' 说明 ',
    reason: ' 原因 ',
    reply: ' 答复 ',
    working_days: 3,
    lead_department_id: 7,
    co_handler_ids: [9],
    inspector_id: 5,
    method,
    camera: ' CAM-1 ',
    lng: 120.36,
    lat: 30.26,
    accuracy: 8,
    result: 'satisfied',
    into: ' 330114-20261127-00002 ',
    attachment_ids: [4],
  }
}

// Both generated files come from one document: each action's body type has exactly the generated fields.
type Same<X, Y> = [X] extends [Y] ? ([Y] extends [X] ? true : false) : false
type Disagreeing = {
  [A in ActionName]: Same<Exclude<keyof ActionBody<A>, 'expected_version'>, (typeof ACTIONS)[A][number]['name']> extends true ? never : A
}[ActionName]

describe('the action forms, from the generated contract', () => {
  it('agrees with the typed client on every action body', () => {
    expectTypeOf<Disagreeing>().toEqualTypeOf<never>()
    expectTypeOf(actionPayload('dispatch', emptyActionForm(), 1)).toEqualTypeOf<ActionBody<'dispatch'>>()
  })

  it('has a button look for every action and a widget of the right kind for every field', () => {
    expect(Object.keys(ACTION_TONES).sort()).toEqual([...names].sort())
    const used = new Set<string>()
    for (const a of names) {
      for (const f of ACTIONS[a]) {
        const look = lookOf(f.name)
        expect(look, `${a}.${f.name}`).toBeDefined()
        expect(WIDGET_KINDS[look.widget], `${a}.${f.name}: ${look.widget} for a ${f.kind}`).toContain(f.kind)
        used.add(f.name)
      }
    }
    // no widget for a field that no action has any more
    expect(Object.keys(FIELD_WIDGETS).sort()).toEqual([...used].sort())
  })

  it('names every action, field and choice in both languages, and no field that is gone', () => {
    const fields = new Set(names.flatMap(fieldsOf))
    for (const catalogue of [zhCN, en]) {
      for (const a of names) expect(catalogue.actions, a).toHaveProperty(a)
      expect(Object.keys(catalogue.fields).sort()).toEqual([...fields].sort())
      for (const a of names) {
        for (const f of ACTIONS[a]) {
          // a fixed choice (the position's CRS) is never shown, so its values need no names
          if (!('values' in f) || lookOf(f.name).widget === 'fixed') continue
          const section = (catalogue as unknown as Record<string, Record<string, string>>)[lookOf(f.name).labels!]
          for (const v of f.values) expect(section, `${f.name}=${v}`).toHaveProperty(v)
        }
      }
    }
  })

  it('asks each action for the fields of its contract, required ones marked', () => {
    const rows = (a: ActionName, form = emptyActionForm()) =>
      formRows(a, form).map((r) => `${r.fields.map((f) => f.name).join('+')}${r.required ? '!' : ''}`)
    expect(rows('dispatch')).toEqual(['lead_department_id', 'co_handler_ids', 'note', 'attachment_ids'])
    expect(rows('return')).toEqual(['reason!', 'note', 'attachment_ids'])
    expect(rows('reply')).toEqual(['reply!', 'note', 'attachment_ids'])
    expect(rows('request_extension')).toEqual(['working_days!', 'reason!', 'note', 'attachment_ids'])
    expect(rows('assign_inspector')).toEqual(['inspector_id!', 'note', 'attachment_ids'])
    expect(rows('callback')).toEqual(['result!', 'note', 'attachment_ids'])
    expect(rows('answer')).toEqual(['note!', 'attachment_ids'])
    expect(rows('merge')).toEqual(['into!', 'note', 'attachment_ids'])
    // on site: the inspector's GPS position (one line: both halves and the device's accuracy); by camera: which camera
    expect(rows('verify_fail')).toEqual(['method!', 'lng+lat+accuracy', 'note!', 'attachment_ids'])
    expect(rows('verify_pass', { ...emptyActionForm(), method: 'camera' })).toEqual(['method!', 'camera', 'note', 'attachment_ids'])
  })

  it('sends exactly the fields of each contract, whatever else the form holds', () => {
    for (const a of names) {
      for (const method of ['site', 'camera'] as const) {
        const sent = Object.keys(actionPayload(a, filled(method), 3)).sort()
        const hidden = a.startsWith('verify_') ? (method === 'site' ? [] : ['lng', 'lat', 'accuracy', 'crs']) : []
        expect(sent, `${a} (${method})`).toEqual(['expected_version', ...fieldsOf(a).filter((f) => !hidden.includes(f))].sort())
      }
    }
  })

  it('sends the fields trimmed, with the version seen, and leaves an unchosen department to the routing', () => {
    const form = { ...emptyActionForm(), note: '  请城管局牵头 ', reply: 'x', lead_department_id: 7, co_handler_ids: [9, 11] }
    expect(actionPayload('dispatch', form, 3)).toEqual({
      expected_version: 3,
      lead_department_id: 7,
      co_handler_ids: [9, 11],
      note: '请城管局牵头',
      attachment_ids: [],
    })
    expect(actionPayload('dispatch', emptyActionForm(), 3)).toEqual({ expected_version: 3, co_handler_ids: [], note: '', attachment_ids: [] })
    expect(actionPayload('accept', emptyActionForm(), 5)).toEqual({ expected_version: 5, note: '', attachment_ids: [] })
    expect(actionPayload('request_extension', { ...emptyActionForm(), working_days: 3, reason: ' 协调 ' }, 1)).toEqual({
      expected_version: 1,
      working_days: 3,
      reason: '协调',
      note: '',
      attachment_ids: [],
    })
    expect(actionPayload('callback', { ...emptyActionForm(), result: 'satisfied' }, 8)).toEqual({
      expected_version: 8,
      result: 'satisfied',
      note: '',
      attachment_ids: [],
    })
  })

  it('sends the position for an on-site verification and the camera for a video one', () => {
    const site = { ...emptyActionForm(), method: 'site' as const, lng: 120.36, lat: 30.26, camera: 'typed before', attachment_ids: [4] }
    expect(actionPayload('verify_pass', site, 2)).toEqual({
      expected_version: 2,
      method: 'site',
      lng: 120.36,
      lat: 30.26,
      crs: 'wgs84',
      camera: '',
      note: '',
      attachment_ids: [4],
    })
    const camera = { ...emptyActionForm(), method: 'camera' as const, camera: ' CAM-1 ', note: '仍有占道', lng: 120.36, lat: 30.26 }
    expect(actionPayload('verify_fail', camera, 2)).toEqual({
      expected_version: 2,
      method: 'camera',
      camera: 'CAM-1',
      note: '仍有占道',
      attachment_ids: [],
    })
  })

  it('holds back an action whose required fields are empty', () => {
    expect(missingFields('return', emptyActionForm())).toEqual(['reason'])
    expect(missingFields('return', { ...emptyActionForm(), reason: '   ' })).toEqual(['reason'])
    expect(missingFields('return', { ...emptyActionForm(), reason: '不属于本部门' })).toEqual([])
    expect(missingFields('request_extension', emptyActionForm()).sort()).toEqual(['reason', 'working_days'])
    expect(missingFields('callback', emptyActionForm())).toEqual(['result'])
    expect(missingFields('assign_inspector', emptyActionForm())).toEqual(['inspector_id'])
    // the method starts on site; a failed verification needs its note
    expect(missingFields('verify_fail', emptyActionForm())).toEqual(['note'])
    expect(missingFields('accept', emptyActionForm())).toEqual([])
  })

  it('orders the buttons: steps forward first, refusals after, merging last; an unknown name is not offered', () => {
    expect(orderActions(['merge', 'reject', 'submit'])).toEqual(['submit', 'reject', 'merge'])
    expect(orderActions(['return', 'accept'])).toEqual(['accept', 'return'])
    expect(orderActions(['refuse_extension', 'approve_extension'])).toEqual(['approve_extension', 'refuse_extension'])
    expect(orderActions(['something_new', 'close'])).toEqual(['close'])
  })

  it('reloads on a conflict', () => {
    expect(isStaleConflict('conflict')).toBe(true)
    expect(isStaleConflict('invalid_transition')).toBe(true)
    expect(isStaleConflict('lead_reply_missing')).toBe(false)
  })
})
