/** One exam of the employee: what needs attention first (with a plain explanation), then the
 *  rest grouped by category. */
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import type { Observation, TimelineEntry } from '@/api/types'
import { isAbnormal } from '@/shared/flags'
import { byConcern, reportOrder } from '@/shared/record'
import { useRecordsStore } from '@/shared/stores/records'
import { useSessionStore } from '@/shared/stores/session'

export interface CategoryGroup {
  category: string
  observations: Observation[]
}

export function groupByCategory(observations: readonly Observation[]): CategoryGroup[] {
  const groups = new Map<string, Observation[]>()
  for (const obs of reportOrder(observations)) {
    const key = obs.category || 'other'
    groups.set(key, [...(groups.get(key) ?? []), obs])
  }
  return [...groups.entries()].map(([category, list]) => ({ category, observations: list }))
}

export function useExam(uuid: Ref<string>) {
  const { t, te } = useI18n()
  const session = useSessionStore()
  const records = useRecordsStore()
  const entry = shallowRef<TimelineEntry | null>(null)
  const loading = ref(false)
  const error = ref('')
  const notFound = ref(false)

  const visible = computed(() => (entry.value?.observations ?? []).filter((o) => o.status !== 'cancelled'))
  const attention = computed(() => byConcern(visible.value.filter((o) => isAbnormal(o.flag))))
  const others = computed(() => groupByCategory(visible.value.filter((o) => !isAbnormal(o.flag))))
  const othersCount = computed(() => visible.value.length - attention.value.length)

  /** Find the exam in the timeline, fetching earlier pages when it is not on the first. */
  async function load(): Promise<void> {
    const personUuid = session.me?.person_uuid
    if (!personUuid) return
    loading.value = true
    error.value = ''
    notFound.value = false
    try {
      const [initial] = await Promise.all([records.loadTimeline(personUuid), records.loadCatalog().catch(() => null)])
      let state = initial
      let found = state.entries.find((e) => e.encounter.uuid === uuid.value)
      while (!found && state.entries.length < state.count) {
        state = await records.loadTimeline(personUuid, { more: true })
        found = state.entries.find((e) => e.encounter.uuid === uuid.value)
      }
      entry.value = found ?? null
      notFound.value = !found
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  watch(uuid, load, { immediate: true })

  return { entry, loading, error, notFound, attention, others, othersCount, load }
}
