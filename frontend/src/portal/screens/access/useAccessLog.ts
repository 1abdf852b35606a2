/** Who looked at my record: staff role and department per access, newest first. */
import { onMounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { type AccessEvent, fetchAccessLog } from '@/api/portal'

export function useAccessLog() {
  const { t, te } = useI18n()
  const events = ref<AccessEvent[]>([])
  const count = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const error = ref('')

  async function load(more = false): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const next = more ? page.value + 1 : 1
      const data = await fetchAccessLog(next)
      events.value = more ? [...events.value, ...data.results] : data.results
      count.value = data.count
      page.value = next
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  onMounted(() => load())
  return { events, count, loading, error, load }
}
