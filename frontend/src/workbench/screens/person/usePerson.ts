/**
 * The person's 360° view: identity, timeline, the selected encounter's results (the latest
 * exam by default) and one item's trend. Composed from the people and records endpoints;
 * risk, alerts and follow-up panels join when their APIs exist.
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ApiError, errorMessage } from '@/api/errors'
import { fetchPerson } from '@/api/people'
import { fetchItemHistory } from '@/api/records'
import type { ItemHistory, PersonDetail } from '@/api/types'
import { isAbnormal } from '@/shared/flags'
import { byConcern, chartableItems, defaultTrendItem, latestExam } from '@/shared/record'
import { type TimelineState, useRecordsStore } from '@/shared/stores/records'

export function usePerson(uuid: Ref<string>) {
  const { t, te } = useI18n()
  const records = useRecordsStore()

  const person = shallowRef<PersonDetail | null>(null)
  const timeline = shallowRef<TimelineState | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = ref('')
  const notFound = ref(false)
  const selectedEncounter = ref('')
  const onlyAbnormal = ref(false)
  const trendItem = ref('')
  const history = shallowRef<ItemHistory | null>(null)
  const historyLoading = ref(false)
  const historyError = ref('')

  const entries = computed(() => timeline.value?.entries ?? [])
  const hasMore = computed(() => !!timeline.value && entries.value.length < timeline.value.count)
  const selectedEntry = computed(
    () => entries.value.find((e) => e.encounter.uuid === selectedEncounter.value) ?? null,
  )
  const rows = computed(() => {
    const observations = byConcern(selectedEntry.value?.observations ?? [])
    return onlyAbnormal.value ? observations.filter((o) => isAbnormal(o.flag)) : observations
  })
  const items = computed(() => chartableItems(entries.value))

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    notFound.value = false
    void import('@/shared/chart/TrendChart.vue') // fetch the chart code while the data loads
    try {
      const detail = fetchPerson(uuid.value).then((found) => (person.value = found))
      const [state] = await Promise.all([
        records.loadTimeline(uuid.value),
        records.loadCatalog().catch(() => null), // names and coded answers; optional
        detail,
      ])
      timeline.value = state
      const first = latestExam(state.entries) ?? state.entries[0] ?? null
      selectedEncounter.value = first?.encounter.uuid ?? ''
      trendItem.value = defaultTrendItem(first, chartableItems(state.entries))
    } catch (cause) {
      notFound.value = cause instanceof ApiError && cause.status === 404
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  async function loadEarlier(): Promise<void> {
    loadingMore.value = true
    try {
      timeline.value = await records.loadTimeline(uuid.value, { more: true })
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loadingMore.value = false
    }
  }

  watch(trendItem, async (code) => {
    history.value = null
    historyError.value = ''
    if (!code) return
    historyLoading.value = true
    try {
      const result = await fetchItemHistory(uuid.value, code)
      if (code === trendItem.value) history.value = result
    } catch (cause) {
      historyError.value = errorMessage(cause, t, te)
    } finally {
      historyLoading.value = false
    }
  })

  watch(uuid, load, { immediate: true })

  return {
    person, entries, hasMore, loading, loadingMore, error, notFound, selectedEncounter, selectedEntry,
    onlyAbnormal, rows, items, trendItem, history, historyLoading, historyError, load, loadEarlier,
  }
}
