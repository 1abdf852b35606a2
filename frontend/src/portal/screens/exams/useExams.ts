/** "My exams": the employee's own exams by year, newest first. */
import { computed, onMounted, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { examsByYear } from '@/shared/record'
import { type TimelineState, useRecordsStore } from '@/shared/stores/records'
import { useSessionStore } from '@/shared/stores/session'

export function useExams() {
  const { t, te } = useI18n()
  const session = useSessionStore()
  const records = useRecordsStore()
  const timeline = shallowRef<TimelineState | null>(null)
  const loading = ref(false)
  const error = ref('')

  const personUuid = computed(() => session.me?.person_uuid ?? null)
  const groups = computed(() => examsByYear(timeline.value?.entries ?? []))
  const latest = computed(() => groups.value[0]?.entries[0] ?? null)
  const hasMore = computed(() => !!timeline.value && timeline.value.entries.length < timeline.value.count)

  async function load(more = false): Promise<void> {
    if (!personUuid.value) return
    loading.value = true
    error.value = ''
    try {
      timeline.value = await records.loadTimeline(personUuid.value, { more })
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  onMounted(() => load())

  return { session, personUuid, groups, latest, hasMore, loading, error, load }
}
