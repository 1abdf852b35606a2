/** My follow-ups: the plans I am under, the contacts coming up and the last done ones. */
import { onMounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { fetchMyFollowUps, type MyFollowUps } from '@/api/portal'

export function useFollowUps() {
  const { t, te } = useI18n()
  const data = ref<MyFollowUps | null>(null)
  const loading = ref(false)
  const error = ref('')

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      data.value = await fetchMyFollowUps()
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  /** The translated name of a code in ``pt.followups.<group>``, else the server's label. */
  const label = (group: string, code: string, fallback: string) =>
    te(`pt.followups.${group}.${code}`) ? t(`pt.followups.${group}.${code}`) : fallback

  onMounted(load)
  return { data, loading, error, load, label }
}
