// Routing rules in the console: a rule's conditions as one readable line, the edit form ⇄ the
// request body, and a dry run's answer as a sentence ("规则 3：名称 → 部门，因为 …").
import type { components } from '../api/schema'
import { DISTRICT_TZ } from './format'

export type Rule = components['schemas']['RuleOut']
export type RuleBody = components['schemas']['RuleIn']
export type DryRun = components['schemas']['RouteOut']
export type Translate = (key: string, params?: Record<string, unknown>) => string

/** The conditions in the order the server tries them (cases/routing.py `_checks`). */
export const CONDITIONS = [
  // A rule that sends a case to its component's owner (权属单位) needs a case about a component;
  // after every other condition, the owner must be able to lead (docs/decisions/074).
  'component',
  'category',
  'area',
  'polygon',
  'day_kind',
  'office_time',
  'time_window',
  'request_type',
  'channel',
  'urgency',
  'keywords',
  'component_owner',
] as const
export type Condition = (typeof CONDITIONS)[number]

export interface Names {
  category: (id: number) => string | undefined
  area: (id: number) => { name: string; level: string } | undefined
  department: (id: number) => string | undefined
}

export interface RuleForm {
  name: string
  position: number
  categoryId: number | null
  /** Street → community → grid ids, as the cascader gives them; the rule takes the last. */
  areaPath: number[]
  polygon: GeoJSON.Polygon | null
  requestTypes: string[]
  channels: string[]
  urgencies: string[]
  keywords: string[]
  dayKind: '' | 'working' | 'non_working'
  officeTime: '' | 'in' | 'out'
  /** "HH:mm" start and end; the end before the start wraps over midnight. */
  timeWindow: [string, string] | null
  /** Who leads: the rule's department, or the owner department of the case's component. */
  target: 'department' | 'component_owner'
  /** For the owner target: the owners allowed (empty: any that can lead). */
  ownerIds: number[]
  leadDepartmentId: number | null
  coHandlerIds: number[]
  deadlineProfileId: number | null
}

export function emptyForm(position = 100): RuleForm {
  return {
    name: '',
    position,
    categoryId: null,
    areaPath: [],
    polygon: null,
    requestTypes: [],
    channels: [],
    urgencies: [],
    keywords: [],
    dayKind: '',
    officeTime: '',
    timeWindow: null,
    target: 'department',
    ownerIds: [],
    leadDepartmentId: null,
    coHandlerIds: [],
    deadlineProfileId: null,
  }
}

/** "22:00:00" → "22:00". */
export function clock(value: string | null | undefined): string {
  return value ? value.slice(0, 5) : ''
}

/** The form of an existing rule; `areaPath` is the chain from the street down to the rule's area. */
export function formFromRule(rule: Rule, areaPath: number[]): RuleForm {
  return {
    name: rule.name,
    position: rule.position,
    categoryId: rule.category_id,
    areaPath,
    polygon: (rule.polygon as unknown as GeoJSON.Polygon | null) ?? null,
    requestTypes: [...rule.request_types],
    channels: [...rule.channels],
    urgencies: [...rule.urgencies],
    keywords: [...rule.keywords],
    dayKind: (rule.day_kind || '') as RuleForm['dayKind'],
    officeTime: (rule.office_time || '') as RuleForm['officeTime'],
    timeWindow: rule.time_from && rule.time_to ? [clock(rule.time_from), clock(rule.time_to)] : null,
    target: rule.target === 'component_owner' ? 'component_owner' : 'department',
    ownerIds: [...(rule.owner_ids ?? [])],
    leadDepartmentId: rule.lead_department_id ?? null,
    coHandlerIds: [...rule.co_handler_ids],
    deadlineProfileId: rule.deadline_profile_id,
  }
}

/** The request body for creating or revising a rule (empty conditions match everything). */
export function bodyFromForm(form: RuleForm): RuleBody {
  const keywords = [...new Set(form.keywords.map((k) => k.trim()).filter(Boolean))]
  return {
    name: form.name.trim(),
    position: form.position,
    category_id: form.categoryId,
    area_id: form.areaPath.length ? form.areaPath[form.areaPath.length - 1]! : null,
    polygon: (form.polygon as unknown as RuleBody['polygon']) ?? null,
    request_types: [...form.requestTypes],
    channels: [...form.channels],
    urgencies: [...form.urgencies],
    keywords,
    day_kind: form.dayKind,
    office_time: form.officeTime,
    time_from: form.timeWindow ? form.timeWindow[0] : null,
    time_to: form.timeWindow ? form.timeWindow[1] : null,
    target: form.target,
    owner_ids: form.target === 'component_owner' ? [...form.ownerIds] : [],
    lead_department_id: form.target === 'component_owner' ? null : form.leadDepartmentId,
    co_handler_ids: form.coHandlerIds.filter((id) => id !== form.leadDepartmentId),
    deadline_profile_id: form.deadlineProfileId,
    // Editing is offered for active rules; retiring has its own action.
    retired: false,
  }
}

/** The server's field names mapped onto the form's, for showing its errors next to the pickers. */
export const FORM_FIELDS = [
  'name',
  'category_id',
  'area_id',
  'polygon',
  'request_types',
  'channels',
  'urgencies',
  'keywords',
  'day_kind',
  'office_time',
  'time_from',
  'target',
  'owner_ids',
  'lead_department_id',
  'co_handler_ids',
  'deadline_profile_id',
] as const

/** One condition of a rule, in words ("街道: 下沙街道"); empty when the rule does not set it. */
export function describeCondition(rule: Rule, condition: Condition, names: Names, t: Translate): string {
  const list = (items: string[], group: string) => items.map((c) => t(`${group}.${c}`)).join('、')
  switch (condition) {
    case 'component':
      return rule.target === 'component_owner' ? t('routingOwner.cond.component') : ''
    case 'component_owner': {
      if (rule.target !== 'component_owner') return ''
      const allowed = (rule.owner_ids ?? []).map((id) => names.department(id) ?? `#${id}`)
      return allowed.length ? t('routingOwner.cond.ownerAmong', { names: allowed.join('、') }) : t('routingOwner.cond.ownerCanLead')
    }
    case 'category':
      return rule.category_id ? `${t('routing.cond.category')}: ${names.category(rule.category_id) ?? `#${rule.category_id}`}` : ''
    case 'area': {
      if (!rule.area_id) return ''
      const area = names.area(rule.area_id)
      const level = area ? t(`map.levels.${area.level}`) : t('routing.cond.area')
      return `${level}: ${area?.name ?? `#${rule.area_id}`}`
    }
    case 'polygon':
      return rule.polygon ? t('routing.cond.polygon') : ''
    case 'day_kind':
      return rule.day_kind ? t(`routing.dayKinds.${rule.day_kind}`) : ''
    case 'office_time':
      return rule.office_time ? t(`routing.officeTimes.${rule.office_time}`) : ''
    case 'time_window':
      return rule.time_from && rule.time_to ? `${clock(rule.time_from)}–${clock(rule.time_to)}` : ''
    case 'request_type':
      return rule.request_types.length ? `${t('routing.cond.request_type')}: ${list(rule.request_types, 'requestTypes')}` : ''
    case 'channel':
      return rule.channels.length ? `${t('routing.cond.channel')}: ${list(rule.channels, 'channels')}` : ''
    case 'urgency':
      return rule.urgencies.length ? `${t('routing.cond.urgency')}: ${list(rule.urgencies, 'urgency')}` : ''
    case 'keywords':
      return rule.keywords.length ? `${t('routing.cond.keywords')}: ${rule.keywords.join('、')}` : ''
  }
}

/** Every condition the rule sets, in words, in the order the server tries them. */
export function conditionTexts(rule: Rule, names: Names, t: Translate): string[] {
  return CONDITIONS.map((c) => describeCondition(rule, c, names, t)).filter(Boolean)
}

/** Who a rule sends its cases to: its department, or "the component's owner department". */
export function leadText(rule: Rule, names: Names, t: Translate): string {
  if (rule.target === 'component_owner' || rule.lead_department_id == null) return t('routingOwner.target')
  return names.department(rule.lead_department_id) ?? `#${rule.lead_department_id}`
}

/** "类别: 市容环境/占道经营 · 街道: 下沙街道 · 关键词: 噪音 · 22:00–06:00 → 下沙街道" */
export function ruleSummary(rule: Rule, names: Names, t: Translate): string {
  const conditions = conditionTexts(rule, names, t)
  const lead = leadText(rule, names, t)
  return `${conditions.length ? conditions.join(' · ') : t('routing.everything')} → ${lead}`
}

/** The dry run's answer as one sentence, and the rules before it that did not match, each with why. */
export function explainDryRun(
  result: DryRun,
  rules: Map<number, Rule>,
  names: Names,
  t: Translate,
): { answer: string; misses: string[] } {
  const describe = (key: number, condition: string) => {
    const rule = rules.get(key)
    return rule ? describeCondition(rule, condition as Condition, names, t) || t(`routing.cond.${condition}`) : t(`routing.cond.${condition}`)
  }
  const misses = result.trials
    .filter((trial) => trial.failed)
    .map((trial) =>
      t('routing.dry.miss', { key: trial.rule_key, name: trial.name, condition: describe(trial.rule_key, trial.failed!) }),
    )
  const won = result.trials.find((trial) => !trial.failed)
  const lead = result.lead_department_name ?? t('routing.dry.nobody')
  if (won && result.rule_key) {
    const because = won.held.map((c) => describe(won.rule_key, c)).join('、') || t('routing.everything')
    return { answer: t('routing.dry.matched', { key: won.rule_key, version: won.rule_version, name: won.name, lead, because }), misses }
  }
  return {
    answer: result.lead_department_name ? t('routing.dry.fallback', { lead }) : t('routing.dry.noLead'),
    misses,
  }
}

/** Now as the district's wall clock ("2026-12-02T14:11:00"), whatever the browser's time zone. */
export function districtNow(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: DISTRICT_TZ,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00'
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}`
}
