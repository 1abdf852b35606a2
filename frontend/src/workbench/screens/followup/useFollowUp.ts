/** Follow-up task lists by view (today, overdue, open, upcoming, done), recording, reassigning. */
import { ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { fetchCalculators, fetchTasks, reassignTask, recordResult, type CalculatorSpec, type TaskQuery } from '@/api/followup'
import type { FollowUpResultInput, FollowUpTask } from '@/api/types'

export const TABS = ['today', 'overdue', 'open', 'upcoming', 'done'] as const
export type Tab = (typeof TABS)[number]
export const PAGE_SIZE = 20

export function tabQuery(tab: Tab): TaskQuery {
  return tab === 'done' ? { view: 'all', status: 'done' } : { view: tab }
}

export function useFollowUp() {
  const { t, te } = useI18n()
  const tab = ref<Tab>('today')
  const mine = ref(false)
  const page = ref(1)
  const tasks = shallowRef<FollowUpTask[]>([])
  const count = ref(0)
  const loading = ref(false)
  const error = ref('')
  const specs = shallowRef<CalculatorSpec[]>([])

  async function load(next = 1): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const result = await fetchTasks({ ...tabQuery(tab.value), mine: mine.value || undefined, page: next, page_size: PAGE_SIZE })
      tasks.value = result.results
      count.value = result.count
      page.value = next
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  async function loadSpecs(): Promise<void> {
    if (specs.value.length) return
    try {
      specs.value = await fetchCalculators()
    } catch {
      specs.value = []
    }
  }

  async function record(task: FollowUpTask, body: FollowUpResultInput): Promise<void> {
    await recordResult(task.uuid, body)
    await load(page.value)
  }

  async function reassign(task: FollowUpTask, assignee: string, reason: string, wholePlan: boolean): Promise<void> {
    await reassignTask(task.uuid, { assignee, reason, whole_plan: wholePlan })
    await load(page.value)
  }

  void load(1)
  return { tab, mine, page, tasks, count, loading, error, specs, load, loadSpecs, record, reassign }
}
