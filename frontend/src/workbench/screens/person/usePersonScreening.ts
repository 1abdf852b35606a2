/**
 * The screening side of the 360° view: risk levels (four colours with their basis), the
 * registers the person is on (with their history) and the person's findings. Loaded apart from
 * the record so that the timeline and results do not wait for it.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { fetchPersonAlerts } from '@/api/alerts'
import { fetchFindings, fetchPersonRegisters, fetchRiskLevels } from '@/api/assessment'
import { fetchPersonFollowUps } from '@/api/followup'
import { errorMessage } from '@/api/errors'
import type { Alert, Finding, FollowUpTask, PersonRegisterEntry, RiskLevel } from '@/api/types'
import { Perm } from '@/shared/permissions'
import { useSessionStore } from '@/shared/stores/session'
import { COLOURS, worstColour } from '../../screening'

/** Highest risk first, then by disease. */
export function sortLevels(levels: readonly RiskLevel[]): RiskLevel[] {
  const rank = (colour: string) => {
    const index = (COLOURS as readonly string[]).indexOf(colour)
    return index < 0 ? COLOURS.length : index
  }
  return [...levels].sort((a, b) => rank(a.colour) - rank(b.colour) || a.disease.localeCompare(b.disease))
}

export function usePersonScreening(uuid: Ref<string>) {
  const { t, te } = useI18n()
  const session = useSessionStore()
  const allowed = computed(() => session.can(Perm.viewRecord))
  const levels = shallowRef<RiskLevel[]>([])
  const registers = shallowRef<PersonRegisterEntry[]>([])
  const findings = shallowRef<Finding[]>([])
  const findingsCount = ref(0)
  const alerts = shallowRef<Alert[]>([])
  const tasks = shallowRef<FollowUpTask[]>([])
  const canAlerts = computed(() => session.can(Perm.viewAlerts))
  const canTasks = computed(() => session.can(Perm.viewFollowups))
  const loading = ref(false)
  const error = ref('')

  const sortedLevels = computed(() => sortLevels(levels.value))
  const worst = computed(() => worstColour(levels.value))
  const openFindings = computed(() => findings.value.filter((f) => f.status === 'open').length)

  async function load(): Promise<void> {
    if (!allowed.value) return
    loading.value = true
    error.value = ''
    try {
      const [risk, regs, page, alertPage, followUps] = await Promise.all([
        fetchRiskLevels(uuid.value),
        fetchPersonRegisters(uuid.value),
        fetchFindings({ person: uuid.value, page_size: 50 }),
        canAlerts.value ? fetchPersonAlerts(uuid.value) : null,
        canTasks.value ? fetchPersonFollowUps(uuid.value) : null,
      ])
      alerts.value = alertPage?.results ?? []
      tasks.value = followUps ?? []
      levels.value = risk
      registers.value = regs
      findings.value = page.results
      findingsCount.value = page.count
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  watch(uuid, load, { immediate: true })

  return { allowed, canAlerts, canTasks, alerts, tasks, sortedLevels, worst, registers, findings, findingsCount, openFindings, loading, error, load }
}
