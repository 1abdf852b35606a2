/**
 * The home page's panel: how many persons the user looks after, by status and by department.
 * Counts come from the person search (page_size=1, read `count`), one request per unit shown;
 * a department's sub-units are counted only when the user expands it.
 */
import { computed, onMounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { countPersons, fetchOrgTree } from '@/api/people'
import type { OrgNode, PersonStatus } from '@/api/types'
import { Perm } from '@/shared/permissions'
import { useSessionStore } from '@/shared/stores/session'

export interface DepartmentRow {
  uuid: string
  name: string
  count: number
  hasChildren: boolean
  node: OrgNode
}

const STATUSES: PersonStatus[] = ['active', 'retired', 'left']

export async function departmentRows(nodes: readonly OrgNode[]): Promise<DepartmentRow[]> {
  const counts = await Promise.all(nodes.map((node) => countPersons({ org_unit: node.uuid })))
  return nodes
    .map((node, i) => ({
      uuid: node.uuid,
      name: node.name,
      count: counts[i] ?? 0,
      hasChildren: node.children.length > 0,
      node,
    }))
    .filter((row) => row.count > 0)
}

/** Skip levels that hold a single unit with people (company → division): show what differs. */
async function firstInformativeLevel(roots: readonly OrgNode[]): Promise<{ rows: DepartmentRow[]; path: string[] }> {
  let rows = await departmentRows(roots)
  const path: string[] = []
  for (let depth = 0; depth < 4 && rows.length === 1 && rows[0]?.hasChildren; depth += 1) {
    const below = await departmentRows(rows[0].node.children)
    if (below.length === 0) break
    path.push(rows[0].name)
    rows = below
  }
  return { rows, path }
}

export function useHome() {
  const { t, te } = useI18n()
  const session = useSessionStore()
  const hasPanel = computed(() => session.can([Perm.searchPersons, Perm.viewOrgTree]))
  const total = ref<number | null>(null)
  const byStatus = ref<Record<PersonStatus, number> | null>(null)
  const departments = ref<DepartmentRow[]>([])
  const departmentPath = ref<string[]>([])
  const loading = ref(false)
  const error = ref('')

  async function load(): Promise<void> {
    if (!hasPanel.value) return
    loading.value = true
    error.value = ''
    try {
      const [all, statusCounts, tree] = await Promise.all([
        countPersons({}),
        Promise.all(STATUSES.map((status) => countPersons({ status }))),
        fetchOrgTree(),
      ])
      total.value = all
      byStatus.value = Object.fromEntries(STATUSES.map((s, i) => [s, statusCounts[i] ?? 0])) as Record<PersonStatus, number>
      const level = all > 0 ? await firstInformativeLevel(tree) : { rows: [], path: [] }
      departments.value = level.rows
      departmentPath.value = level.path
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  /** el-table's lazy loader for a department's sub-units. */
  function loadChildren(row: DepartmentRow, _node: unknown, resolve: (rows: DepartmentRow[]) => void): void {
    departmentRows(row.node.children)
      .then(resolve)
      .catch((cause) => {
        error.value = errorMessage(cause, t, te)
        resolve([])
      })
  }

  onMounted(load)

  return { session, hasPanel, total, byStatus, departments, departmentPath, loading, error, load, loadChildren, STATUSES }
}
