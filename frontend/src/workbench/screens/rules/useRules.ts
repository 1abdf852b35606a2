/** Rules list (one line per code) and the population screening runs with their progress. */
import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { fetchRules, fetchScreeningRun, fetchScreeningRuns, startScreeningRun } from '@/api/assessment'
import { errorMessage } from '@/api/errors'
import type { RuleLine, ScreeningRun } from '@/api/types'

export const RUN_POLL_MS = 2000
const ACTIVE = new Set(['queued', 'running'])

export function filterRules(lines: readonly RuleLine[], text: string, kind: string): RuleLine[] {
  const needle = text.trim().toLowerCase()
  return lines.filter((line) => {
    const rule = line.published ?? line.latest
    if (kind && rule.kind !== kind) return false
    if (!needle) return true
    return line.code.toLowerCase().includes(needle) || rule.title.toLowerCase().includes(needle)
  })
}

export function useRules() {
  const { t, te } = useI18n()
  const lines = shallowRef<RuleLine[]>([])
  const runs = shallowRef<ScreeningRun[]>([])
  const text = ref('')
  const kind = ref('')
  const loading = ref(false)
  const error = ref('')
  const starting = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  const shown = computed(() => filterRules(lines.value, text.value, kind.value))
  const kinds = computed(() => [...new Set(lines.value.map((l) => (l.published ?? l.latest).kind))].sort())
  const activeRun = computed(() => runs.value.find((run) => ACTIVE.has(run.status)) ?? null)

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const [rules, page] = await Promise.all([fetchRules(), fetchScreeningRuns()])
      lines.value = rules
      runs.value = page.results
      watchRun()
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  function watchRun(): void {
    if (timer) clearTimeout(timer)
    const run = activeRun.value
    if (!run) return
    timer = setTimeout(async () => {
      try {
        const fresh = await fetchScreeningRun(run.id)
        runs.value = runs.value.map((r) => (r.id === fresh.id ? fresh : r))
      } catch (cause) {
        error.value = errorMessage(cause, t, te)
        return
      }
      watchRun()
    }, RUN_POLL_MS)
  }

  async function startRun(reason: string): Promise<void> {
    starting.value = true
    try {
      const run = await startScreeningRun(reason)
      runs.value = [run, ...runs.value.filter((r) => r.id !== run.id)]
      watchRun()
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      starting.value = false
    }
  }

  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
  })
  void load()

  return { lines, shown, kinds, runs, activeRun, text, kind, loading, error, starting, load, startRun }
}
