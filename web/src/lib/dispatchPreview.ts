// The deadlines a dispatch will set, as the dispatch dialog writes them:
// "签收时限：12月3日 10:30（2个工作小时）· 办结时限：12月17日（10个工作日）".
import type { components } from '../api/schema'
import { DISTRICT_TZ } from './format'

export type DispatchPreview = components['schemas']['DispatchPreviewOut']
export type StageDue = components['schemas']['StageDueOut']
type Translate = (key: string, values?: Record<string, unknown>) => string

/** When, in the district's time: a day and time for an hours limit, the day alone for a days limit
 *  (which falls due when the office closes that day). "12月3日 10:30", "12月17日"; "Dec 3, 10:30". */
export function dueMoment(stage: StageDue, locale: string): string {
  const withTime = stage.rule === 'working_hours'
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: DISTRICT_TZ,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(stage.due_at))
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  const time = `${part('hour')}:${part('minute')}`
  if (locale.startsWith('zh')) return `${part('month')}月${part('day')}日${withTime ? ` ${time}` : ''}`
  const day = new Intl.DateTimeFormat(locale, { timeZone: DISTRICT_TZ, month: 'short', day: 'numeric' }).format(new Date(stage.due_at))
  return withTime ? `${day}, ${time}` : day
}

/** How much working time the stage gets: "2个工作小时", "10个工作日". */
export function dueAmount(stage: StageDue, t: Translate): string {
  if (stage.rule === 'working_hours' && stage.working_hours !== null) {
    return t('dispatchPreview.hours', { n: Number(stage.working_hours.toFixed(2)) })
  }
  return t('dispatchPreview.days', { n: stage.working_days ?? '' })
}

/** "12月3日 10:30（2个工作小时）" in Chinese, "Dec 3, 10:30 (2 working hours)" in English. */
export function dueLabel(stage: StageDue, locale: string, t: Translate): string {
  const zh = locale.startsWith('zh')
  return zh ? `${dueMoment(stage, locale)}（${dueAmount(stage, t)}）` : `${dueMoment(stage, locale)} (${dueAmount(stage, t)})`
}
