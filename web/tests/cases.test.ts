import { describe, expect, it } from 'vitest'
import {
  ACTION_SPECS,
  actionPayload,
  compareUrgency,
  emptyActionForm,
  formFieldOf,
  isStaleConflict,
  orderActions,
  sortByUrgency,
  specFor,
} from '../src/lib/cases'
import { countBy, gridColor } from '../src/lib/aggregate'

const row = (number: string, warning_level: string, created_at: string, next_due_at?: string | null) => ({ number, warning_level, created_at, next_due_at })

describe('warning-level sorting', () => {
  it('puts red before yellow before green, and the oldest first within a colour', () => {
    const rows = [
      row('g-new', 'green', '2026-11-20T00:00:00Z'),
      row('y', 'yellow', '2026-11-25T00:00:00Z'),
      row('r-new', 'red', '2026-11-24T00:00:00Z'),
      row('g-old', 'green', '2026-11-01T00:00:00Z'),
      row('r-old', 'red', '2026-11-02T00:00:00Z'),
    ]
    expect(sortByUrgency(rows).map((r) => r.number)).toEqual(['r-old', 'r-new', 'y', 'g-old', 'g-new'])
    // the input is not reordered in place
    expect(rows[0]!.number).toBe('g-new')
  })

  it('uses a known deadline before the age, and an unknown colour goes last', () => {
    const a = row('a', 'yellow', '2026-11-01T00:00:00Z', '2026-12-05T00:00:00Z')
    const b = row('b', 'yellow', '2026-11-10T00:00:00Z', '2026-12-01T00:00:00Z')
    const c = row('c', 'yellow', '2026-10-01T00:00:00Z')
    expect(sortByUrgency([a, c, b]).map((r) => r.number)).toEqual(['b', 'a', 'c'])
    expect(compareUrgency(row('x', 'purple', '2026-01-01'), row('y', 'green', '2026-12-01'))).toBeGreaterThan(0)
  })

  it('sorts by next_due_at as instants (offsets differ), a stopped clock after a running one', () => {
    const rows = [
      row('stopped', 'red', '2026-10-01T00:00:00Z', null),
      row('later', 'red', '2026-11-01T00:00:00Z', '2026-12-01T10:00:00+08:00'),
      // 2026-12-01T01:30Z is 09:30 in Shanghai: sooner than "later" although the text sorts after it
      row('sooner', 'red', '2026-11-02T00:00:00Z', '2026-12-01T01:30:00Z'),
      row('green-due', 'green', '2026-11-03T00:00:00Z', '2026-11-20T00:00:00Z'),
      row('yellow', 'yellow', '2026-11-03T00:00:00Z', '2026-12-30T00:00:00Z'),
    ]
    expect(sortByUrgency(rows).map((r) => r.number)).toEqual(['sooner', 'later', 'stopped', 'yellow', 'green-due'])
  })
})

describe('allowed action → form', () => {
  const WORKFLOW_ACTIONS = [
    'answer', 'reject', 'submit', 'dispatch', 'accept', 'return', 'accept_return', 'refuse_return', 'reply',
    'accept_co', 'reply_co', 'request_extension', 'approve_extension', 'refuse_extension', 'request_suspension',
    'approve_suspension', 'refuse_suspension', 'resume', 'feed_back', 'assign_inspector', 'verify_pass',
    'verify_fail', 'close', 'callback', 'reopen', 'merge',
  ]

  it('has a form for every action of the workflow table', () => {
    expect(Object.keys(ACTION_SPECS).sort()).toEqual([...WORKFLOW_ACTIONS].sort())
  })

  it('asks each action for the fields its effect requires', () => {
    const kinds = (a: string) => specFor(a).fields.map((f) => `${f.kind}${f.required ? '!' : ''}`)
    expect(kinds('dispatch')).toEqual(['lead_department', 'co_handlers', 'note'])
    expect(kinds('return')).toEqual(['reason!'])
    expect(kinds('reply')).toEqual(['reply!', 'attachments'])
    expect(kinds('request_extension')).toEqual(['working_days!', 'reason!'])
    expect(kinds('assign_inspector')).toEqual(['inspector!', 'note'])
    expect(kinds('verify_fail')).toEqual(['method!', 'attachments', 'note!'])
    expect(kinds('callback')).toEqual(['result!', 'note'])
    expect(kinds('answer')).toEqual(['note!'])
    expect(kinds('merge')).toEqual(['into!', 'note'])
    // an action the console does not know yet still gets a note
    expect(kinds('something_new')).toEqual(['note'])
  })

  it('sends only the fields of the action, trimmed, with the version seen', () => {
    const form = { ...emptyActionForm(), note: '  请城管局牵头 ', reply: 'x', lead_department_id: 7, co_handler_ids: [9, 11] }
    expect(actionPayload('dispatch', form, 3)).toEqual({
      expected_version: 3,
      lead_department_id: 7,
      co_handler_ids: [9, 11],
      note: '请城管局牵头',
    })
    expect(actionPayload('accept', { ...emptyActionForm() }, 5)).toEqual({ expected_version: 5 })
    expect(actionPayload('request_extension', { ...emptyActionForm(), working_days: 3, reason: ' 协调 ' }, 1)).toEqual({
      expected_version: 1,
      working_days: 3,
      reason: '协调',
    })
    expect(actionPayload('callback', { ...emptyActionForm(), result: 'satisfied' }, 8)).toEqual({ expected_version: 8, result: 'satisfied' })
  })

  it('sends the position for an on-site verification and the camera for a video one', () => {
    const site = { ...emptyActionForm(), method: 'site' as const, lng: 120.36, lat: 30.26, attachment_ids: [4] }
    expect(actionPayload('verify_pass', site, 2)).toEqual({ expected_version: 2, method: 'site', lng: 120.36, lat: 30.26, attachment_ids: [4] })
    const camera = { ...emptyActionForm(), method: 'camera' as const, camera: ' CAM-1 ', note: '仍有占道' }
    expect(actionPayload('verify_fail', camera, 2)).toEqual({ expected_version: 2, method: 'camera', camera: 'CAM-1', note: '仍有占道' })
  })

  it('orders the buttons: steps forward first, refusals after, merging last', () => {
    expect(orderActions(['merge', 'reject', 'submit'])).toEqual(['submit', 'reject', 'merge'])
    expect(orderActions(['return', 'accept'])).toEqual(['accept', 'return'])
    expect(orderActions(['refuse_extension', 'approve_extension'])).toEqual(['approve_extension', 'refuse_extension'])
  })

  it('puts a server error beside the form field it names, and reloads on a conflict', () => {
    expect(formFieldOf('lng')).toBe('method')
    expect(formFieldOf('co_handler_ids')).toBe('co_handlers')
    expect(formFieldOf('inspector_id')).toBe('inspector')
    expect(formFieldOf('reason')).toBe('reason')
    expect(isStaleConflict('conflict')).toBe(true)
    expect(isStaleConflict('invalid_transition')).toBe(true)
    expect(isStaleConflict('lead_reply_missing')).toBe(false)
  })
})

describe('case map counting', () => {
  it('counts by key and leaves out the unlocated', () => {
    const counts = countBy([{ g: 1 }, { g: 2 }, { g: 1 }, { g: null }], (x) => x.g)
    expect([...counts.entries()]).toEqual([[1, 2], [2, 1]])
  })
  it('colours a grid by its share of the busiest one', () => {
    expect(gridColor(0, 10)).toBe('#ffffff')
    expect(gridColor(10, 10)).toBe('#bd0026')
    expect(gridColor(1, 10)).toBe('#ffffb2')
  })
})
