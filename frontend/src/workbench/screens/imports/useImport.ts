/**
 * Result-file import: upload (byte progress), then the job's own progress while the server
 * works through the rows (large files are queued: 202 and polled), the outcome with the first
 * row errors, the downloadable error report, and the import history.
 */
import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { downloadImportErrors, downloadImportTemplate, fetchImport, fetchImports, uploadImport, type ImportMode } from '@/api/interop'
import type { ImportJob, ImportJobDetail } from '@/api/types'

export const FINAL_STATUSES = new Set(['succeeded', 'partial', 'rejected', 'failed'])
export const POLL_MS = 1000

export type Phase = 'idle' | 'uploading' | 'processing' | 'done'

/**
 * One progress figure for the whole import: the upload counts for the first 30 %, the
 * server's row processing for the rest.
 */
export function overallProgress(phase: Phase, uploadPercent: number, jobPercent: number): number {
  if (phase === 'idle') return 0
  if (phase === 'done') return 100
  if (phase === 'uploading') return Math.round(0.3 * Math.min(100, Math.max(0, uploadPercent)))
  return Math.round(30 + 0.7 * Math.min(100, Math.max(0, jobPercent)))
}

export function statusType(status: string | undefined): 'success' | 'warning' | 'danger' | 'info' {
  if (status === 'succeeded') return 'success'
  if (status === 'partial') return 'warning'
  if (status === 'rejected' || status === 'failed') return 'danger'
  return 'info'
}

export function useImport() {
  const { t, te } = useI18n()
  const file = shallowRef<File | null>(null)
  const mode = ref<ImportMode>('all_or_nothing')
  const phase = ref<Phase>('idle')
  const uploadPercent = ref(0)
  const job = shallowRef<ImportJobDetail | null>(null)
  const error = ref('')
  const history = shallowRef<ImportJob[]>([])
  const historyCount = ref(0)
  const historyPage = ref(1)
  const historyLoading = ref(false)
  let timer: ReturnType<typeof setTimeout> | null = null

  const progress = computed(() => overallProgress(phase.value, uploadPercent.value, job.value?.progress ?? 0))

  async function loadHistory(page = historyPage.value): Promise<void> {
    historyLoading.value = true
    try {
      const result = await fetchImports(page)
      history.value = result.results
      historyCount.value = result.count
      historyPage.value = page
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      historyLoading.value = false
    }
  }

  function finish(result: ImportJobDetail): void {
    job.value = result
    phase.value = 'done'
    void loadHistory(1)
  }

  async function poll(uuid: string): Promise<void> {
    try {
      const current = await fetchImport(uuid)
      job.value = current
      if (FINAL_STATUSES.has(current.status ?? '')) {
        finish(current)
        return
      }
      timer = setTimeout(() => void poll(uuid), POLL_MS)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
      phase.value = 'idle'
    }
  }

  async function start(): Promise<void> {
    if (!file.value) return
    error.value = ''
    job.value = null
    uploadPercent.value = 0
    phase.value = 'uploading'
    try {
      const created = await uploadImport(file.value, mode.value, (percent) => (uploadPercent.value = percent))
      job.value = created
      if (FINAL_STATUSES.has(created.status ?? '')) finish(created)
      else {
        phase.value = 'processing'
        timer = setTimeout(() => void poll(created.uuid), POLL_MS)
      }
    } catch (cause) {
      // A file-level problem (empty file, unknown columns, not a spreadsheet): nothing imported.
      error.value = errorMessage(cause, t, te)
      phase.value = 'idle'
    }
  }

  function choose(chosen: File | null): void {
    file.value = chosen
    if (phase.value === 'done') phase.value = 'idle'
    error.value = ''
  }

  async function downloadErrors(uuid: string): Promise<void> {
    try {
      await downloadImportErrors(uuid)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    }
  }

  async function downloadTemplate(): Promise<void> {
    try {
      await downloadImportTemplate()
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    }
  }

  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
  })
  void loadHistory(1)

  return {
    file, mode, phase, uploadPercent, progress, job, error, history, historyCount, historyPage, historyLoading,
    start, choose, loadHistory, downloadErrors, downloadTemplate,
  }
}
