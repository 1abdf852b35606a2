/**
 * Person search: the criteria live in the URL (?q=&org_unit=&status=&page=) so that the back
 * button and a shared link give the same list.
 */
import { computed, onMounted, ref, shallowRef, watch } from 'vue'
import { useI18n } from 'vue-i18n'
import { type LocationQuery, useRoute, useRouter } from 'vue-router'
import { errorMessage } from '@/api/errors'
import { fetchOrgTree, searchPersons } from '@/api/people'
import type { OrgNode, PersonListItem, PersonStatus } from '@/api/types'
import { Perm } from '@/shared/permissions'
import { useSessionStore } from '@/shared/stores/session'

export const PAGE_SIZE = 20
const STATUSES: readonly PersonStatus[] = ['active', 'retired', 'left']

export interface Criteria {
  q: string
  org_unit: string
  status: PersonStatus | ''
  page: number
}

function text(value: LocationQuery[string] | undefined): string {
  return typeof value === 'string' ? value : ''
}

export function criteriaFromQuery(query: LocationQuery): Criteria {
  const status = text(query.status)
  const page = Number.parseInt(text(query.page), 10)
  return {
    q: text(query.q),
    org_unit: text(query.org_unit),
    status: (STATUSES as readonly string[]).includes(status) ? (status as PersonStatus) : '',
    page: Number.isFinite(page) && page > 0 ? page : 1,
  }
}

export function queryFromCriteria(criteria: Criteria): Record<string, string> {
  const query: Record<string, string> = {}
  if (criteria.q.trim()) query.q = criteria.q.trim()
  if (criteria.org_unit) query.org_unit = criteria.org_unit
  if (criteria.status) query.status = criteria.status
  if (criteria.page > 1) query.page = String(criteria.page)
  return query
}

export function findUnit(nodes: readonly OrgNode[], uuid: string): OrgNode | null {
  for (const node of nodes) {
    if (node.uuid === uuid) return node
    const found = findUnit(node.children, uuid)
    if (found) return found
  }
  return null
}

export function usePersonSearch() {
  const { t, te } = useI18n()
  const route = useRoute()
  const router = useRouter()
  const session = useSessionStore()

  const form = ref<Criteria>(criteriaFromQuery(route.query))
  const results = shallowRef<PersonListItem[]>([])
  const count = ref(0)
  const loading = ref(false)
  const error = ref('')
  const tree = shallowRef<OrgNode[]>([])
  const selectedUnit = computed(() => (form.value.org_unit ? findUnit(tree.value, form.value.org_unit) : null))

  async function run(criteria: Criteria): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const page = await searchPersons({ ...criteria, page_size: PAGE_SIZE })
      results.value = page.results
      count.value = page.count
    } catch (cause) {
      results.value = []
      count.value = 0
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  function go(changes: Partial<Criteria>): void {
    const next = { ...form.value, page: 1, ...changes }
    void router.push({ name: 'persons', query: queryFromCriteria(next) })
  }

  const submit = () => go({})
  const reset = () => go({ q: '', org_unit: '', status: '' })
  const selectUnit = (uuid: string) => go({ org_unit: uuid })
  const changePage = (page: number) => go({ page })

  watch(
    () => route.query,
    (query) => {
      if (route.name !== 'persons') return
      form.value = criteriaFromQuery(query)
      void run(form.value)
    },
  )

  onMounted(async () => {
    void run(form.value)
    if (session.can(Perm.viewOrgTree)) {
      tree.value = await fetchOrgTree().catch(() => [])
    }
  })

  return { form, results, count, loading, error, tree, selectedUnit, submit, reset, selectUnit, changePage, STATUSES }
}
