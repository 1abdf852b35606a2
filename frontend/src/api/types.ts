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
