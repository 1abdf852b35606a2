/** Reading a person's timeline: exams, abnormal results, items that can be charted. Pure. */
import type { Observation, TimelineEntry } from '@/api/types'
import { flagSeverity, isAbnormal } from './flags'
import { yearOf } from './format'

export function abnormalObservations(observations: readonly Observation[]): Observation[] {
  return observations.filter((o) => o.status !== 'cancelled' && isAbnormal(o.flag))
}

export function abnormalCount(entry: TimelineEntry): number {
  return abnormalObservations(entry.observations).length
}

export function latestExam(entries: readonly TimelineEntry[]): TimelineEntry | null {
  // The API lists encounters newest first.
  return entries.find((e) => e.encounter.kind === 'exam') ?? null
}

/** Categories in the order of a Chinese exam report (一般检查, 血常规, 尿常规, 肝功能 ...). */
export const CATEGORY_ORDER = [
  'anthropometry', 'vitals', 'cbc', 'urinalysis', 'liver', 'kidney', 'lipids', 'glucose',
  'electrolytes', 'thyroid', 'inflammation', 'cardiac', 'tumour_markers', 'infection', 'ecg',
  'imaging', 'eye', 'hearing', 'lung_function', 'bone', 'gynaecology', 'other', 'summary',
]
/** Within a category, these items lead in this order (as printed); the others follow. */
const ITEM_ORDER = [
  'HEIGHT', 'WEIGHT', 'BMI', 'WAIST', 'HIP', 'WHR', 'SBP', 'DBP', 'PULSE', 'WBC', 'RBC', 'HGB',
  'PLT', 'ALT', 'AST', 'GGT', 'ALP', 'TBIL', 'CREA', 'UREA', 'UA', 'EGFR', 'TC', 'TG', 'HDL_C',
  'LDL_C', 'GLU', 'HBA1C',
]

function orderIndex(list: readonly string[], value: string | undefined): number {
  const index = value ? list.indexOf(value) : -1
  return index === -1 ? list.length : index
}

/** Observations in report order: by category, then key items first, then the API's order. */
export function reportOrder(observations: readonly Observation[]): Observation[] {
  return observations
    .map((obs, index) => ({ obs, index }))
    .sort(
      (a, b) =>
        orderIndex(CATEGORY_ORDER, a.obs.category) - orderIndex(CATEGORY_ORDER, b.obs.category) ||
        orderIndex(ITEM_ORDER, a.obs.item_code) - orderIndex(ITEM_ORDER, b.obs.item_code) ||
        a.index - b.index,
    )
    .map(({ obs }) => obs)
}

/** Critical first, then abnormal, then the rest; report order within each group. */
export function byConcern(observations: readonly Observation[]): Observation[] {
  const rank = { critical: 0, abnormal: 1, normal: 2, unknown: 2 } as const
  return reportOrder(observations)
    .map((obs, index) => ({ obs, index }))
    .sort((a, b) => rank[flagSeverity(a.obs.flag)] - rank[flagSeverity(b.obs.flag)] || a.index - b.index)
    .map(({ obs }) => obs)
}

export interface ChartableItem {
  code: string
  name: string
  count: number
}

/** Numeric items found in the timeline, with how many results each has, in first-seen order. */
export function chartableItems(entries: readonly TimelineEntry[]): ChartableItem[] {
  const items = new Map<string, ChartableItem>()
  for (const entry of entries) {
    for (const obs of entry.observations) {
      if (!obs.item_code || obs.value_num === null || obs.value_num === undefined) continue
      const known = items.get(obs.item_code)
      if (known) known.count += 1
      else items.set(obs.item_code, { code: obs.item_code, name: obs.item_name ?? obs.item_code, count: 1 })
    }
  }
  return [...items.values()]
}

/** The item to chart first: the first abnormal numeric result of the encounter, else the
 *  blood pressure, else the first numeric item. */
export function defaultTrendItem(entry: TimelineEntry | null, items: readonly ChartableItem[]): string {
  const codes = new Set(items.map((i) => i.code))
  const abnormal = entry
    ? byConcern(entry.observations).find((o) => isAbnormal(o.flag) && o.item_code && codes.has(o.item_code))
    : undefined
  if (abnormal?.item_code) return abnormal.item_code
  if (codes.has('SBP')) return 'SBP'
  return items[0]?.code ?? ''
}

export interface YearGroup {
  year: number
  entries: TimelineEntry[]
}

/** Exams grouped by year, newest year first (the portal's "my exams"). */
export function examsByYear(entries: readonly TimelineEntry[]): YearGroup[] {
  const groups = new Map<number, TimelineEntry[]>()
  for (const entry of entries) {
    if (entry.encounter.kind !== 'exam') continue
    const year = yearOf(entry.encounter.occurred_at)
    if (year === null) continue
    groups.set(year, [...(groups.get(year) ?? []), entry])
  }
  return [...groups.entries()].sort((a, b) => b[0] - a[0]).map(([year, list]) => ({ year, entries: list }))
}
