/**
 * "My work" on the home page: alerts waiting for review counted by severity (one
 * `alerts/?severity=…&page_size=1` per severity), the most severe ones to act on first, and
 * today's and overdue follow-up tasks. A role without the alerts API sees its open screening
 * findings by severity instead.
 */
import { computed, onMounted, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { countAlerts, fetchAlerts } from '@/api/alerts'
import { countFindings, fetchFindings } from '@/api/assessment'
import { errorMessage } from '@/api/errors'
import { fetchTasks } from '@/api/followup'
import type { FollowUpTask, Severity } from '@/api/types'
import { Perm } from '@/shared/permissions'
import { useSessionStore } from '@/shared/stores/session'
import { SEVERITIES } from '../../screening'

export interface WorkItem {
  key: string
  severity: string
  personUuid: string
  personName: string
  title: string
  at: string
}

export function useMyWork() {
  const { t, te } = useI18n()
  const session = useSessionStore()
  const source = computed<'alerts' | 'findings' | null>(() =>
    session.can(Perm.viewAlerts) ? 'alerts' : session.can(Perm.viewRecord) ? 'findings' : null,
  )
  const hasTasks = computed(() => session.can(Perm.viewFollowups))
  const allowed = computed(() => source.value !== null || hasTasks.value)
  const counts = ref<Record<Severity, number> | null>(null)
  const urgent = shallowRef<WorkItem[]>([])
  const today = shallowRef<FollowUpTask[]>([])
  const overdue = shallowRef<FollowUpTask[]>([])
  const todayCount = ref(0)
  const overdueCount = ref(0)
  const loading = ref(false)
  const error = ref('')

  async function loadAlerts(): Promise<void> {
    const [numbers, top] = await Promise.all([
      Promise.all(SEVERITIES.map((severity) => countAlerts({ state: 'new', severity }))),
      fetchAlerts({ state: 'new', page_size: 8 }),
    ])
    counts.value = Object.fromEntries(SEVERITIES.map((s, i) => [s, numbers[i] ?? 0])) as Record<Severity, number>
    urgent.value = top.results.map((a) => ({
      key: a.uuid, severity: a.severity, personUuid: a.person.uuid, personName: a.person.name, title: a.title, at: a.created_at,
    }))
  }

  async function loadFindings(): Promise<void> {
    const [numbers, critical, high] = await Promise.all([
      Promise.all(SEVERITIES.map((severity) => countFindings({ severity, status: 'open' }))),
      fetchFindings({ severity: 'critical', status: 'open', page_size: 8 }),
      fetchFindings({ severity: 'high', status: 'open', page_size: 8 }),
    ])
    counts.value = Object.fromEntries(SEVERITIES.map((s, i) => [s, numbers[i] ?? 0])) as Record<Severity, number>
    urgent.value = [...critical.results, ...high.results].slice(0, 8).map((f) => ({
      key: f.uuid, severity: f.severity ?? 'low', personUuid: f.person, personName: f.person_name, title: f.title, at: f.raised_at,
    }))
  }

  async function loadTasks(): Promise<void> {
    const [day, late] = await Promise.all([
      fetchTasks({ view: 'today', mine: true, page_size: 8 }),
      fetchTasks({ view: 'overdue', mine: true, page_size: 8 }),
    ])
    today.value = day.results
    todayCount.value = day.count
    overdue.value = late.results
    overdueCount.value = late.count
  }

  async function load(): Promise<void> {
    if (!allowed.value) return
    loading.value = true
    error.value = ''
    try {
      await Promise.all([
        source.value === 'alerts' ? loadAlerts() : source.value === 'findings' ? loadFindings() : null,
        hasTasks.value ? loadTasks() : null,
      ])
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  onMounted(load)
  return { allowed, source, hasTasks, counts, urgent, today, overdue, todayCount, overdueCount, loading, error, load }
}
