/**
 * One rule: its versions (newest first), a new draft from an edit, the draft's dry run over
 * the current population, and publishing (the server refuses a draft that was not dry-run).
 */
import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { createRuleDraft, dryRunRule, fetchRuleVersions, publishRule } from '@/api/assessment'
import { ApiError, errorMessage } from '@/api/errors'
import type { DryRunReport, Rule, RuleDraft } from '@/api/types'

export interface RuleForm {
  title: string
  severity: string
  advice: string
  source: string
  note: string
  definition: string
}

export function formFromRule(rule: Rule): RuleForm {
  return {
    title: rule.title,
    severity: rule.severity ?? '',
    advice: rule.advice ?? '',
    source: rule.source ?? '',
    note: '',
    definition: JSON.stringify(rule.definition ?? {}, null, 2),
  }
}

/**
 * The changes a form makes to a rule (only what differs is sent), or the reason the form
 * cannot be sent ('definition_json' when the definition is not a JSON object).
 */
export function draftChanges(rule: Rule, form: RuleForm): { changes: RuleDraft } | { invalid: 'definition_json' | 'no_change' } {
  let definition: unknown
  try {
    definition = JSON.parse(form.definition)
  } catch {
    return { invalid: 'definition_json' }
  }
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) return { invalid: 'definition_json' }
  const changes: RuleDraft = {}
  if (form.title.trim() !== rule.title) changes.title = form.title.trim()
  if (form.severity !== (rule.severity ?? '')) changes.severity = form.severity as RuleDraft['severity']
  if (form.advice !== (rule.advice ?? '')) changes.advice = form.advice
  if (form.source !== (rule.source ?? '')) changes.source = form.source
  if (JSON.stringify(definition) !== JSON.stringify(rule.definition ?? {})) changes.definition = definition
  if (Object.keys(changes).length === 0) return { invalid: 'no_change' }
  if (form.note.trim()) changes.note = form.note.trim()
  return { changes }
}

export function useRule(code: Ref<string>) {
  const { t, te } = useI18n()
  const versions = shallowRef<Rule[]>([])
  const selectedVersion = ref<number | null>(null)
  const loading = ref(false)
  const error = ref('')
  const notFound = ref(false)
  const busy = ref<'' | 'save' | 'dryRun' | 'publish'>('')
  const report = shallowRef<DryRunReport | null>(null)

  const selected = computed(() => versions.value.find((v) => v.version === selectedVersion.value) ?? versions.value[0] ?? null)
  const published = computed(() => versions.value.find((v) => v.status === 'published') ?? null)
  /** The dry run shown: the one just made, else the one stored on the selected draft. */
  const shownReport = computed<DryRunReport | null>(() => {
    if (report.value && selected.value && report.value.version === selected.value.version) return report.value
    const stored = selected.value?.dry_run as DryRunReport | null | undefined
    return stored && typeof stored === 'object' && 'population' in stored ? stored : null
  })

  async function load(select?: number): Promise<void> {
    loading.value = true
    error.value = ''
    notFound.value = false
    try {
      versions.value = await fetchRuleVersions(code.value)
      selectedVersion.value = select ?? versions.value.find((v) => v.status === 'draft')?.version ?? published.value?.version ?? versions.value[0]?.version ?? null
    } catch (cause) {
      notFound.value = cause instanceof ApiError && cause.status === 404
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  async function saveDraft(changes: RuleDraft): Promise<Rule> {
    busy.value = 'save'
    try {
      const draft = await createRuleDraft(code.value, changes)
      await load(draft.version)
      return draft
    } finally {
      busy.value = ''
    }
  }

  async function dryRun(): Promise<void> {
    const rule = selected.value
    if (!rule) return
    busy.value = 'dryRun'
    error.value = ''
    try {
      report.value = await dryRunRule(code.value, rule.version)
      await load(rule.version)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      busy.value = ''
    }
  }

  async function publish(): Promise<boolean> {
    const rule = selected.value
    if (!rule) return false
    busy.value = 'publish'
    error.value = ''
    try {
      await publishRule(code.value, rule.version)
      await load(rule.version)
      return true
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
      return false
    } finally {
      busy.value = ''
    }
  }

  watch(code, () => void load(), { immediate: true })

  return { versions, selected, selectedVersion, published, loading, error, notFound, busy, shownReport, load, saveDraft, dryRun, publish }
}
