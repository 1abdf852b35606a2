/**
 * One questionnaire, page by page. Answers are saved to the server as a draft shortly after
 * each change and on every page turn, so nothing is lost when the phone locks or the WeChat
 * browser is closed; "next" and "submit" check the required items first.
 */
import { computed, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import {
  type Answers,
  fetchQuestionnaire,
  type Questionnaire,
  saveDraft,
  submitQuestionnaire,
  type Submitted,
} from '@/api/portal'
import { ApiError } from '@/api/http'
import {
  type AnswerValue,
  answeredCount,
  answersToSave,
  firstIncompletePage,
  firstMissing,
  itemsOnPage,
  resumePage,
} from '../../questionnaire'

const SAVE_DELAY_MS = 800

export function useQuestionnaire(code: string) {
  const { t, te } = useI18n()
  const form = shallowRef<Questionnaire | null>(null)
  const answers = ref<Answers>({})
  const page = ref(0)
  const loading = ref(false)
  const notFound = ref(false)
  const error = ref('')
  const missing = ref<string | null>(null)
  const saveState = ref<'idle' | 'saving' | 'saved' | 'failed'>('idle')
  const savedAt = ref<Date | null>(null)
  const submitting = ref(false)
  const result = shallowRef<Submitted | null>(null)
  let timer: number | undefined
  let dirty = false

  const items = computed(() => (form.value ? itemsOnPage(form.value, page.value) : []))
  const pageCount = computed(() => form.value?.pages.length ?? 0)
  const answered = computed(() => (form.value ? answeredCount(form.value, answers.value) : 0))
  const isLast = computed(() => page.value >= pageCount.value - 1)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const data = await fetchQuestionnaire(code)
      form.value = data
      answers.value = { ...((data.draft?.answers ?? {}) as Answers) }
      page.value = resumePage(data)
    } catch (cause) {
      if (cause instanceof ApiError && cause.status === 404) notFound.value = true
      else error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  async function save(): Promise<void> {
    window.clearTimeout(timer)
    if (!form.value || result.value) return
    dirty = false
    saveState.value = 'saving'
    try {
      await saveDraft(code, answersToSave(form.value, answers.value), page.value)
      saveState.value = 'saved'
      savedAt.value = new Date()
    } catch {
      saveState.value = 'failed'
    }
  }

  function answer(id: string, value: AnswerValue): void {
    answers.value = { ...answers.value, [id]: value }
    dirty = true
    if (missing.value === id) missing.value = null
    window.clearTimeout(timer)
    timer = window.setTimeout(() => void save(), SAVE_DELAY_MS)
  }

  function goTo(next: number): void {
    page.value = next
    void save()
    window.scrollTo({ top: 0 })
  }

  function scrollToMissing(): void {
    requestAnimationFrame(() => document.querySelector(`[data-item="${missing.value}"]`)?.scrollIntoView({ block: 'center' }))
  }

  function next(): void {
    if (!form.value) return
    missing.value = firstMissing(form.value, answers.value, page.value)
    if (missing.value) return scrollToMissing()
    goTo(page.value + 1)
  }

  function prev(): void {
    missing.value = null
    if (page.value > 0) goTo(page.value - 1)
  }

  async function submit(): Promise<void> {
    if (!form.value) return
    const incomplete = firstIncompletePage(form.value, answers.value)
    if (incomplete !== null) {
      if (incomplete !== page.value) goTo(incomplete)
      missing.value = firstMissing(form.value, answers.value, incomplete)
      return scrollToMissing()
    }
    window.clearTimeout(timer)
    submitting.value = true
    error.value = ''
    try {
      result.value = await submitQuestionnaire(code, answersToSave(form.value, answers.value))
      window.scrollTo({ top: 0 })
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
      if (cause instanceof ApiError && cause.field) {
        missing.value = cause.field
        const at = form.value.pages.findIndex((ids) => ids.includes(cause.field ?? ''))
        if (at >= 0 && at !== page.value) page.value = at
        scrollToMissing()
      }
    } finally {
      submitting.value = false
    }
  }

  onMounted(load)
  onBeforeUnmount(() => {
    window.clearTimeout(timer)
    if (dirty) void save()
  })

  return {
    form, answers, page, items, pageCount, answered, isLast, loading, notFound, error, missing,
    saveState, savedAt, submitting, result, answer, next, prev, submit, load,
  }
}
