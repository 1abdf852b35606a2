/**
 * Screening vocabulary of the workbench: diseases of the registers, the four risk colours,
 * finding severities, age bands, and the pure helpers the register and dashboard screens
 * share (summary pivots). Labels come from the locale (`wb.disease.*`, `wb.colour.*`, ...).
 */
import type { Colour, RegisterSummaryRow, Severity } from '@/api/types'

export const DISEASES = [
  'hypertension',
  'diabetes',
  'prediabetes',
  'dyslipidemia',
  'high_cv_risk',
  'ckd',
  'hyperuricemia',
  'obesity',
  'fatty_liver',
  'major_finding',
  'tumour_marker',
  'mental_health',
] as const
export type Disease = (typeof DISEASES)[number]

/** Highest risk first. */
export const COLOURS: readonly Colour[] = ['red', 'orange', 'yellow', 'green']
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low']
/** The register API's age bands ("45-59", "75+"; inclusive, completed years). */
export const AGE_BANDS = ['18-34', '35-44', '45-59', '60-74', '75+'] as const

export const COLOUR_HEX: Record<Colour | 'none', string> = {
  red: '#d4380d',
  orange: '#fa8c16',
  yellow: '#fadb14',
  green: '#52c41a',
  none: '#bfbfbf',
}

/** Element Plus tag type per severity. */
export const SEVERITY_TAG: Record<Severity, 'danger' | 'warning' | 'primary' | 'info'> = {
  critical: 'danger',
  high: 'warning',
  medium: 'primary',
  low: 'info',
}

export function isColour(value: unknown): value is Colour {
  return typeof value === 'string' && (COLOURS as readonly string[]).includes(value)
}

export interface DiseaseLevels {
  disease: string
  included: number
  excluded: number
  /** Included persons per colour ('none': the register has no levels, e.g. obesity). */
  levels: Record<Colour | 'none', number>
}

/**
 * Pivot the summary rows (disease × status × level → n) into one line per disease,
 * largest register first; excluded persons are counted apart and not coloured.
 */
export function pivotSummary(rows: readonly RegisterSummaryRow[]): DiseaseLevels[] {
  const byDisease = new Map<string, DiseaseLevels>()
  for (const row of rows) {
    let line = byDisease.get(row.disease)
    if (!line) {
      line = { disease: row.disease, included: 0, excluded: 0, levels: { red: 0, orange: 0, yellow: 0, green: 0, none: 0 } }
      byDisease.set(row.disease, line)
    }
    if (row.status === 'excluded') {
      line.excluded += row.n
      continue
    }
    line.included += row.n
    line.levels[isColour(row.level) ? row.level : 'none'] += row.n
  }
  return [...byDisease.values()].sort((a, b) => b.included - a.included || a.disease.localeCompare(b.disease))
}

/** Included persons per colour over all registers of the summary. */
export function levelTotals(rows: readonly RegisterSummaryRow[]): Record<Colour | 'none', number> {
  const totals: Record<Colour | 'none', number> = { red: 0, orange: 0, yellow: 0, green: 0, none: 0 }
  for (const row of rows) {
    if (row.status === 'included') totals[isColour(row.level) ? row.level : 'none'] += row.n
  }
  return totals
}

/** Included persons of the summary (all registers). */
export function includedTotal(rows: readonly RegisterSummaryRow[]): number {
  return rows.reduce((sum, row) => sum + (row.status === 'included' ? row.n : 0), 0)
}

/** The most severe colour of a person's risk levels (for the 360° view's header). */
export function worstColour(levels: readonly { colour: string }[]): Colour | null {
  for (const colour of COLOURS) if (levels.some((l) => l.colour === colour)) return colour
  return null
}

/** A risk level's or register entry's basis as lines of text (the API stores a list of lines). */
export function basisLines(basis: unknown): string[] {
  if (basis === null || basis === undefined || basis === '') return []
  if (typeof basis === 'string') return [basis]
  if (Array.isArray(basis)) return basis.flatMap((item) => basisLines(item))
  if (typeof basis === 'object') {
    const record = basis as Record<string, unknown>
    if (typeof record.text === 'string') return [record.text]
    if (typeof record.label === 'string') return [record.label]
    return [JSON.stringify(basis)]
  }
  return [String(basis)]
}
