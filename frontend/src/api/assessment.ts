/** Screening: findings, risk levels, registers (台账), rules and population runs. */
import { download, http } from './http'
import type {
  Colour,
  DryRunReport,
  Finding,
  KeyIndicators,
  Page,
  PersonRegisterEntry,
  RegisterChange,
  RegisterEntry,
  RegisterSummaryRow,
  RiskLevel,
  Rule,
  RuleDraft,
  RuleLine,
  ScreeningRun,
  Severity,
} from './types'

const A = '/api/v1/assessment'
const person = (uuid: string) => `${A}/persons/${encodeURIComponent(uuid)}`
const rule = (code: string) => `${A}/rules/${encodeURIComponent(code)}`

export interface FindingQuery {
  person?: string
  severity?: Severity | ''
  status?: 'open' | 'resolved' | ''
  disease?: string
  rule?: string
  page?: number
  page_size?: number
}

export const fetchFindings = (query: FindingQuery) => http.get<Page<Finding>>(`${A}/findings/`, { ...query })

export async function countFindings(query: Omit<FindingQuery, 'page' | 'page_size'>): Promise<number> {
  return (await fetchFindings({ ...query, page_size: 1 })).count
}

export const fetchKeyIndicators = (years = 5) => http.get<KeyIndicators>(`${A}/indicators/`, { years })

export const fetchRiskLevels = (uuid: string) => http.get<RiskLevel[]>(`${person(uuid)}/risk-levels/`)
export const fetchPersonRegisters = (uuid: string) => http.get<PersonRegisterEntry[]>(`${person(uuid)}/registers/`)
export const changePersonRegister = (uuid: string, change: RegisterChange) =>
  http.post<RegisterEntry>(`${person(uuid)}/registers/`, change)

export interface RegisterQuery {
  disease?: string
  level?: Colour | ''
  org_unit?: string
  age_band?: string
  sex?: 'male' | 'female' | ''
  status?: 'included' | 'excluded' | ''
}

export const fetchRegisters = (query: RegisterQuery & { page?: number; page_size?: number }) =>
  http.get<Page<RegisterEntry>>(`${A}/registers/`, { ...query })
export const fetchRegisterSummary = (query: RegisterQuery) =>
  http.get<RegisterSummaryRow[]>(`${A}/registers/summary/`, { ...query })
export const exportRegisters = (query: RegisterQuery) => download(`${A}/registers/export/`, { ...query }, 'register.xlsx')

export const fetchRules = (query: { status?: string; kind?: string } = {}) => http.get<RuleLine[]>(`${A}/rules/`, query)
/** Every version of one rule, newest first. */
export const fetchRuleVersions = (code: string) => http.get<Rule[]>(`${rule(code)}/`)
export const createRuleDraft = (code: string, changes: RuleDraft) => http.post<Rule>(`${rule(code)}/versions/`, changes)
export const dryRunRule = (code: string, version: number) =>
  http.post<DryRunReport>(`${rule(code)}/versions/${version}/dry-run/`)
export const publishRule = (code: string, version: number) => http.post<Rule>(`${rule(code)}/versions/${version}/publish/`)
export const retireRule = (code: string, reason: string) => http.post<Rule>(`${rule(code)}/retire/`, { reason })

export const fetchScreeningRuns = () => http.get<Page<ScreeningRun>>(`${A}/screening-runs/`, { page_size: 10 })
export const startScreeningRun = (reason: string) => http.post<ScreeningRun>(`${A}/screening-runs/`, { reason })
export const fetchScreeningRun = (id: number) => http.get<ScreeningRun>(`${A}/screening-runs/${id}/`)
