/**
 * Names for the generated OpenAPI types (schema.d.ts, from `npm run gen:api`), plus the few
 * shapes the schema does not describe yet (see docs/frontend.md, "API gaps").
 */
import type { components } from './schema'

type Schemas = components['schemas']

export type Me = Schemas['Me']
export type Role = NonNullable<Me['role']>
export type LoginRequest = Schemas['LoginRequest']
export type PersonListItem = Schemas['PersonList']
export type PersonDetail = Schemas['PersonDetail']
export type PersonStatus = NonNullable<PersonListItem['status']>
export type Sex = PersonListItem['sex']
export type OrgUnitRef = Schemas['OrgUnitRef']
export type Encounter = Schemas['Encounter']
export type EncounterKind = Encounter['kind']
export type Observation = Schemas['Observation']
export type TimelineEntry = Schemas['TimelineEntry']
export type ExamItem = Schemas['ExamItem']
export type ItemRange = Schemas['ItemRange']
export type HistoryPoint = Schemas['HistoryPoint']
export type Flag = Schemas['FlagEnum'] | Schemas['BlankEnum']

export interface Page<T> {
  count: number
  next?: string | null
  previous?: string | null
  results: T[]
}

/** OrgTreeNode with its children typed (the schema says `{[key: string]: unknown}[]`). */
export interface OrgNode {
  uuid: string
  name: string
  code: string
  kind: string
  children: OrgNode[]
}

/** GET .../items/{code}/history/ — the schema declares a bare list; the view answers this. */
export interface ItemHistory {
  item: ExamItem
  points: HistoryPoint[]
}

/** A coded/ordinal item's answers as the catalog stores them. */
export interface ItemAnswer {
  code: string
  name_zh: string
  name_en?: string
  abnormal?: boolean
}

// ---- screening (assessment) ----
export type Finding = Schemas['Finding']
export type Severity = 'critical' | 'high' | 'medium' | 'low'
export type RiskLevel = Schemas['RiskLevel']
export type Colour = 'red' | 'orange' | 'yellow' | 'green'
export type RegisterEntry = Schemas['RegisterEntry']
export type PersonRegisterEntry = Schemas['PersonRegisterEntry']
export type RegisterEvent = Schemas['RegisterEvent']
export type RegisterChange = Schemas['RegisterChangeRequest']
export type Rule = Schemas['Rule']
export type RuleLine = Schemas['RuleLine']
export type RuleDraft = Schemas['RuleDraftRequest']
export type ScreeningRun = Schemas['ScreeningRun']

/** GET /assessment/registers/summary/ (the schema says "object"): one row per group. */
export interface RegisterSummaryRow {
  disease: string
  status: 'included' | 'excluded'
  level: Colour | ''
  n: number
}

/** A pseudonymous example of a dry run: who would be flagged, and why. */
export interface DryRunExample {
  person: string
  sex: string
  age: number | null
  evidence: string[]
}

/** POST /assessment/rules/{code}/versions/{v}/dry-run/ (the schema says "object"). */
export interface DryRunReport {
  code: string
  version: number
  compared_with: number | null
  as_of: string
  population: number
  flagged_before: number
  flagged_after: number
  newly_flagged: number
  no_longer_flagged: number
  examples: { newly_flagged: DryRunExample[]; no_longer_flagged: DryRunExample[] }
}

// ---- interop: imports and the HL7 feed ----
export type ImportJob = Schemas['ImportJob']
export type ImportJobDetail = Schemas['ImportJobDetail']
export type RowError = Schemas['RowError']
export type InboundMessage = Schemas['InboundMessage']
export type InboundMessageDetail = Schemas['InboundMessageDetail']
export type FeedStatus = Schemas['FeedStatus']
export type HeldCode = Schemas['HeldCode']

export interface InterfaceAlert {
  channel: string
  sending_facility: string
  kind: string
  opened_at: string
  resolved_at: string | null
  detail: string
}

/** GET /interop/feeds/ — the schema declares a list of FeedStatus; the view answers this. */
export interface FeedOverview {
  feeds: FeedStatus[]
  open_alerts: InterfaceAlert[]
}

// ---- alerts ----
export type Alert = Schemas['Alert']
export type AlertDetail = Schemas['AlertDetail']
export type AlertState = Alert['state']
export type StaffRef = Schemas['AlertStaff']
export type AlertStats = Schemas['AlertStats']

// ---- follow-up ----
export type TaskStatus = 'pending' | 'in_progress' | 'done' | 'overdue' | 'cancelled'
export type FollowUpOutcome = 'agreed_to_come' | 'call_later' | 'continue' | 'lost' | 'end'

/** Written by hand: the generated `Task` leaves person, assignee and risk_colour loosely typed. */
export interface FollowUpTask {
  uuid: string
  plan: string
  person: { uuid: string; name: string; sex: string; birth_date: string | null; org_unit: string }
  disease: string
  disease_label: string
  sequence: number
  status: TaskStatus
  status_label: string
  due_date: string
  window_start: string | null
  window_end: string | null
  interval_days: number
  method: string
  talking_points: string
  questionnaire: string
  shortened: boolean
  assignee: { username: string; name: string } | null
  call_back_on: string | null
  overdue_at: string | null
  completed_at: string | null
  outcome: string
  risk_colour: string | null
}

export interface FollowUpRecord {
  uuid: string
  outcome: string
  contacted: boolean
  method: string
  contacted_at: string | null
  note: string
  measurements: unknown
  poor_control: boolean
  next_task: { uuid: string; due_date: string; interval_days: number; shortened: boolean } | null
  recorded_by: { username: string; name: string } | null
  created_at: string
}

export interface FollowUpTaskDetail extends FollowUpTask {
  records: FollowUpRecord[]
  transfers: { from_user: { name: string } | null; to_user: { name: string }; by: { name: string } | null; reason: string; at: string }[]
}

export interface FollowUpResultInput {
  outcome: FollowUpOutcome
  method?: string
  note?: string
  snooze_days?: number | null
  call_back_on?: string | null
  end_reason_code?: string
  end_reason?: string
  measurements?: { code: string; value: string; unit?: string }[]
  questionnaire?: { instrument: string; answers: unknown } | null
}

// ---- notify ----
export type Delivery = Schemas['Delivery']

/** GET /notify/deliveries/stats/ (the schema does not describe it). */
export interface DeliveryStats {
  channels: { channel: string; counts: Record<string, number>; success_rate: number | null }[]
  days: { day: string; channel: string; status: string; count: number }[]
}

/** GET /api/v1/assessment/indicators/: key indicators across exam years. */
export interface IndicatorPoint {
  year: number
  examined: number
  abnormal: number
  /** percent of the persons examined, one decimal; null when nobody was examined */
  rate: number | null
}

export interface KeyIndicator {
  code: string
  item_code: string
  label: Record<'zh-CN' | 'en', string>
  threshold: number
  comparison: 'gte' | 'gt'
  unit: string
  source: string
  series: IndicatorPoint[]
}

export interface KeyIndicators {
  years: number[]
  indicators: KeyIndicator[]
}
