/**
 * Dashboard figures, composed from the register summary (disease × status × colour) asked
 * once for everyone, once per department and once per age band, and from the open findings
 * counted by severity. The server scopes every figure to the persons the user may see.
 */
import { onMounted, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { fetchAlertStats } from '@/api/alerts'
import { countFindings, fetchKeyIndicators, fetchRegisterSummary } from '@/api/assessment'
import { fetchFollowUpStats, type FollowUpStats } from '@/api/followup'
import { errorMessage } from '@/api/errors'
import { fetchOrgTree } from '@/api/people'
import type { AlertStats, Colour, KeyIndicators, OrgNode, RegisterSummaryRow, Severity } from '@/api/types'
import { Perm } from '@/shared/permissions'
import { useSessionStore } from '@/shared/stores/session'
import { AGE_BANDS, SEVERITIES, includedTotal, levelTotals, pivotSummary, type DiseaseLevels } from '../../screening'

export interface UnitLevels {
  name: string
  levels: Record<Colour | 'none', number>
  total: number
}

/** The first tree level with more than one unit (skip company → single division). */
export function informativeUnits(roots: readonly OrgNode[], depth = 3): OrgNode[] {
  let level = [...roots]
  for (let i = 0; i < depth && level.length === 1 && (level[0]?.children.length ?? 0) > 0; i += 1) level = level[0]!.children
  return level
}

export function useDashboard() {
  const { t, te } = useI18n()
  const diseases = shallowRef<DiseaseLevels[]>([])
  const totals = shallowRef<Record<Colour | 'none', number> | null>(null)
  const included = ref(0)
  const units = shallowRef<UnitLevels[]>([])
  const ages = shallowRef<UnitLevels[]>([])
  const severities = ref<Record<Severity, number> | null>(null)
  const alertStats = shallowRef<AlertStats | null>(null)
  const followUpStats = shallowRef<FollowUpStats | null>(null)
  const indicators = shallowRef<KeyIndicators | null>(null)
  const session = useSessionStore()
  const loading = ref(false)
  const error = ref('')

  const toUnit = (name: string, rows: RegisterSummaryRow[]): UnitLevels => ({ name, levels: levelTotals(rows), total: includedTotal(rows) })

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const tree = await fetchOrgTree().catch(() => [] as OrgNode[])
      const unitNodes = informativeUnits(tree)
      const [all, perUnit, perAge, findingCounts, alerts, followUp, yearly] = await Promise.all([
        fetchRegisterSummary({}),
        Promise.all(unitNodes.map((node) => fetchRegisterSummary({ org_unit: node.uuid }))),
        Promise.all(AGE_BANDS.map((band) => fetchRegisterSummary({ age_band: band }))),
        Promise.all(SEVERITIES.map((severity) => countFindings({ severity, status: 'open' }))),
        session.can(Perm.viewAlertStats) ? fetchAlertStats() : null,
        session.can(Perm.viewFollowupStats) ? fetchFollowUpStats() : null,
        fetchKeyIndicators(5),
      ])
      alertStats.value = alerts
      followUpStats.value = followUp
      indicators.value = yearly
      diseases.value = pivotSummary(all)
      totals.value = levelTotals(all)
      included.value = includedTotal(all)
      units.value = unitNodes.map((node, i) => toUnit(node.name, perUnit[i] ?? [])).filter((u) => u.total > 0)
      ages.value = AGE_BANDS.map((band, i) => toUnit(t('wb.registers.ageValue', { band }), perAge[i] ?? []))
      severities.value = Object.fromEntries(SEVERITIES.map((s, i) => [s, findingCounts[i] ?? 0])) as Record<Severity, number>
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  onMounted(load)
  return { diseases, totals, included, units, ages, severities, alertStats, followUpStats, indicators, loading, error, load }
}

/** "2 h 5 min", "12 min", "40 s" — review and notification times. */
export function formatDuration(seconds: number | null | undefined, units: { h: string; min: string; s: string }): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return ''
  const total = Math.round(seconds)
  if (total < 60) return `${total} ${units.s}`
  const hours = Math.floor(total / 3600)
  const minutes = Math.round((total % 3600) / 60)
  return hours ? `${hours} ${units.h} ${minutes} ${units.min}` : `${minutes} ${units.min}`
}

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '' : `${(100 * rate).toFixed(1)}%`
}
