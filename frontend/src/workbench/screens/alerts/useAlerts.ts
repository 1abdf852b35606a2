/**
 * The alert review queue: filter by state and severity, one-click confirm, confirm an edited
 * text, dismiss with a reason, bulk confirm of the selected rows. After every action the page
 * is read again: the server decides what is left to review.
 */
import { reactive, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute } from 'vue-router'
import { bulkConfirmAlerts, confirmAlert, dismissAlert, fetchAlerts } from '@/api/alerts'
import { errorMessage } from '@/api/errors'
import type { Alert } from '@/api/types'

export const PAGE_SIZE = 20
export const REVIEWABLE = new Set(['new'])

/** Only low-severity alerts may be confirmed in bulk; the others are reviewed one by one. */
export const BULK_SEVERITIES = new Set(['low'])

/** The rows of a selection that can be confirmed together (new, low severity). */
export function confirmable(rows: readonly Alert[]): string[] {
  return rows.filter((row) => REVIEWABLE.has(row.state ?? '') && BULK_SEVERITIES.has(row.severity ?? '')).map((row) => row.uuid)
}

export function useAlerts() {
  const { t, te } = useI18n()
  const route = useRoute()
  const initial = (key: string, fallback: string) => (typeof route.query[key] === 'string' ? (route.query[key] as string) : fallback)
  // The home page links here with ?severity=… (and ?state=…).
  const filters = reactive({ state: initial('state', 'new'), severity: initial('severity', ''), mine: false })
  const page = ref(1)
  const alerts = shallowRef<Alert[]>([])
  const count = ref(0)
  const selected = shallowRef<Alert[]>([])
  const loading = ref(false)
  const busy = ref('')
  const error = ref('')

  async function load(next = page.value): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const result = await fetchAlerts({
        state: filters.state,
        severity: filters.severity,
        mine: filters.mine || undefined,
        page: next,
        page_size: PAGE_SIZE,
      })
      alerts.value = result.results
      count.value = result.count
      page.value = next
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  async function act<T>(key: string, action: () => Promise<T>): Promise<T | null> {
    busy.value = key
    error.value = ''
    try {
      const result = await action()
      await load()
      return result
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
      return null
    } finally {
      busy.value = ''
    }
  }

  const confirm = (alert: Alert, text?: string) => act(alert.uuid, () => confirmAlert(alert.uuid, text))
  const dismiss = (alert: Alert, reason: string) => act(alert.uuid, () => dismissAlert(alert.uuid, reason))
  const bulkConfirm = () => act('bulk', () => bulkConfirmAlerts(confirmable(selected.value)))

  void load(1)
  return { filters, page, alerts, count, selected, loading, busy, error, load, confirm, dismiss, bulkConfirm }
}
