/** One of my items over the years. */
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { fetchItemHistory } from '@/api/records'
import type { ItemHistory } from '@/api/types'
import { displayUnit } from '@/shared/format'
import { useRecordsStore } from '@/shared/stores/records'
import { useSessionStore } from '@/shared/stores/session'

export function useTrend(code: Ref<string>) {
  const { t, te, locale } = useI18n()
  const session = useSessionStore()
  const records = useRecordsStore()
  const history = shallowRef<ItemHistory | null>(null)
  const loading = ref(false)
  const error = ref('')

  const name = computed(() =>
    history.value ? records.itemName(history.value.item.code, history.value.item.name_zh, locale.value) : '',
  )
  const unit = computed(() => displayUnit(history.value?.item.unit, locale.value))
  const numeric = computed(() => (history.value?.points ?? []).filter((p) => p.value_num !== null && p.status !== 'cancelled'))
  const newestFirst = computed(() => [...numeric.value].reverse())
  const labels = computed(() => ({ name: name.value, reference: t('chart.reference'), unit: unit.value }))

  async function load(): Promise<void> {
    const personUuid = session.me?.person_uuid
    if (!personUuid) return
    void import('@/shared/chart/TrendChart.vue') // fetch the chart code while the data loads
    loading.value = true
    error.value = ''
    try {
      history.value = await fetchItemHistory(personUuid, code.value)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  watch(code, load, { immediate: true })

  return { history, name, unit, numeric, newestFirst, labels, loading, error, load }
}
