/**
 * Registers (台账): filters kept in the URL, the page of entries, the summary by disease and
 * colour, manual inclusion / exclusion with a reason, and the Excel export of the filtered list.
 */
import { computed, reactive, ref, shallowRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'
import { changePersonRegister, exportRegisters, fetchRegisterSummary, fetchRegisters, type RegisterQuery } from '@/api/assessment'
import { errorMessage } from '@/api/errors'
import { fetchOrgTree } from '@/api/people'
import type { Colour, OrgNode, RegisterEntry, RegisterSummaryRow } from '@/api/types'
import { pivotSummary } from '../../screening'

export const PAGE_SIZE = 20

type Filters = Required<Pick<RegisterQuery, 'disease' | 'level' | 'org_unit' | 'age_band' | 'sex' | 'status'>>

const EMPTY: Filters = { disease: '', level: '', org_unit: '', age_band: '', sex: '', status: 'included' }

/** URL query → filters (unknown keys ignored; status defaults to the included persons). */
export function filtersFromQuery(query: Record<string, unknown>): Filters {
  const text = (key: keyof Filters) => (typeof query[key] === 'string' ? (query[key] as string) : EMPTY[key])
  return {
    disease: text('disease'),
    level: text('level') as Colour | '',
    org_unit: text('org_unit'),
    age_band: text('age_band'),
    sex: text('sex') as Filters['sex'],
    status: query.status === 'all' ? '' : (text('status') as Filters['status']),
  }
}

/** Filters → URL query (empty values left out; status "all" written as status=all). */
export function queryFromFilters(filters: Filters, page: number): Record<string, string> {
  const query: Record<string, string> = {}
  for (const [key, value] of Object.entries(filters)) if (value) query[key] = value
  if (!filters.status) query.status = 'all'
  if (page > 1) query.page = String(page)
  return query
}

export function useRegisters() {
  const { t, te } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const form = reactive<Filters>({ ...EMPTY })
  const page = ref(1)
  const entries = shallowRef<RegisterEntry[]>([])
  const count = ref(0)
  const summary = shallowRef<RegisterSummaryRow[]>([])
  const tree = shallowRef<OrgNode[]>([])
  const loading = ref(false)
  const exporting = ref(false)
  const error = ref('')

  const apiQuery = computed<RegisterQuery>(() => ({ ...form }))
  const lines = computed(() => pivotSummary(summary.value))

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const [list, rows] = await Promise.all([
        fetchRegisters({ ...apiQuery.value, page: page.value, page_size: PAGE_SIZE }),
        fetchRegisterSummary({ ...apiQuery.value, status: '' }),
      ])
      entries.value = list.results
      count.value = list.count
      summary.value = rows
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  watch(
    () => route.query,
    (query) => {
      if (route.name !== 'registers') return
      Object.assign(form, filtersFromQuery(query))
      page.value = Number(query.page) > 1 ? Number(query.page) : 1
      void load()
    },
    { immediate: true },
  )

  function submit(): void {
    void router.push({ name: 'registers', query: queryFromFilters(form, 1) })
  }

  function reset(): void {
    Object.assign(form, EMPTY)
    submit()
  }

  function changePage(next: number): void {
    void router.push({ name: 'registers', query: queryFromFilters(form, next) })
  }

  async function loadTree(): Promise<void> {
    try {
      tree.value = await fetchOrgTree()
    } catch {
      tree.value = []
    }
  }
  void loadTree()

  async function exportExcel(): Promise<string | null> {
    exporting.value = true
    try {
      return await exportRegisters(apiQuery.value)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
      return null
    } finally {
      exporting.value = false
    }
  }

  /** Include or exclude one person by hand (reason required); 'auto' hands back to the rules. */
  async function change(entry: RegisterEntry, status: 'included' | 'excluded' | 'auto', reason: string): Promise<void> {
    await changePersonRegister(entry.person, { disease: entry.disease, status, reason })
    await load()
  }

  return { form, page, entries, count, lines, tree, loading, exporting, error, submit, reset, changePage, exportExcel, change, load }
}
