/**
 * The follow-up result form as data: which fields an outcome needs, the questionnaire's
 * answer slots read from the instrument's JSON schema, and the request body built from the
 * form (only what was filled in).
 */
import type { FollowUpOutcome, FollowUpResultInput } from '@/api/types'
import type { CalculatorSpec } from '@/api/followup'

export const OUTCOMES: FollowUpOutcome[] = ['continue', 'agreed_to_come', 'call_later', 'lost', 'end']
export const METHODS = ['phone', 'sms', 'wechat', 'clinic', 'home'] as const
export const END_REASONS = ['died', 'moved', 'refused', 'recovered', 'managed_elsewhere', 'other'] as const
/** Measurements a follow-up contact usually takes (catalog codes and their units). */
export const MEASUREMENTS = [
  { code: 'SBP', unit: 'mmHg' },
  { code: 'DBP', unit: 'mmHg' },
  { code: 'GLU', unit: 'mmol/L' },
  { code: 'WEIGHT', unit: 'kg' },
] as const

export interface ResultForm {
  outcome: FollowUpOutcome
  method: string
  note: string
  snooze_days: number | null
  call_back_on: string
  end_reason_code: string
  end_reason: string
  values: Record<string, string>
  answers: (number | null)[]
}

export function emptyForm(method = 'phone', slots = 0): ResultForm {
  return {
    outcome: 'continue',
    method,
    note: '',
    snooze_days: null,
    call_back_on: '',
    end_reason_code: '',
    end_reason: '',
    values: {},
    answers: Array.from({ length: slots }, () => null),
  }
}

/** A fixed-length integer-answer instrument (PHQ-9: 9 answers 0–3): slots and range. */
export function answerSlots(spec: CalculatorSpec | undefined): { count: number; min: number; max: number } | null {
  const answers = spec?.input_schema?.properties?.answers
  if (!answers || answers.type !== 'array' || !answers.minItems || answers.minItems !== answers.maxItems) return null
  const min = answers.items?.minimum
  const max = answers.items?.maximum
  if (min === undefined || max === undefined) return null
  return { count: answers.minItems, min, max }
}

export type FormProblem = 'call_back_on' | 'end_reason_code' | 'answers' | null

/** What is missing before the form can be sent. */
export function formProblem(form: ResultForm, instrument: string): FormProblem {
  if (form.outcome === 'call_later' && !form.call_back_on) return 'call_back_on'
  if (form.outcome === 'end' && !form.end_reason_code) return 'end_reason_code'
  const started = form.answers.some((a) => a !== null)
  if (instrument && started && form.answers.some((a) => a === null)) return 'answers'
  return null
}

export function resultBody(form: ResultForm, instrument: string): FollowUpResultInput {
  const body: FollowUpResultInput = { outcome: form.outcome, method: form.method, note: form.note.trim() }
  if (form.outcome === 'agreed_to_come' && form.snooze_days) body.snooze_days = form.snooze_days
  if (form.outcome === 'call_later') body.call_back_on = form.call_back_on
  if (form.outcome === 'end') {
    body.end_reason_code = form.end_reason_code
    body.end_reason = form.end_reason.trim()
  }
  const measurements = MEASUREMENTS.filter((m) => (form.values[m.code] ?? '').trim() !== '').map((m) => ({
    code: m.code,
    value: (form.values[m.code] ?? '').trim(),
    unit: m.unit,
  }))
  if (measurements.length) body.measurements = measurements
  if (instrument && form.answers.length && form.answers.every((a) => a !== null)) {
    body.questionnaire = { instrument, answers: [...form.answers] }
  }
  return body
}
