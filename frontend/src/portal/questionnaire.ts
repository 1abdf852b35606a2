/**
 * Questionnaire form logic, kept out of the screen so that it can be tested: which items a
 * page holds, what is still unanswered, progress, and checking typed answers (time, number)
 * the way the server will.
 */
import type { Answers, LocalText, Questionnaire, QuestionnaireItem } from '@/api/portal'

export type AnswerValue = string | number

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/

export function localText(text: LocalText | undefined, locale: string): string {
  if (!text) return ''
  return locale === 'en' ? text.en || text.zh : text.zh
}

export function isAnswered(value: AnswerValue | null | undefined): boolean {
  return value !== undefined && value !== null && value !== ''
}

/** A time typed as "7:05", "07:05" or "0705" → "07:05"; anything else → null. */
export function normaliseTime(raw: string): string | null {
  const text = raw.trim().replace('：', ':')
  const match = /^(\d{1,2}):?(\d{2})$/.exec(text)
  if (!match) return null
  const value = `${(match[1] ?? '').padStart(2, '0')}:${match[2] ?? ''}`
  return CLOCK.test(value) ? value : null
}

/** Whether a value is acceptable for the item (the server checks the same). */
export function validAnswer(item: QuestionnaireItem, value: AnswerValue | null | undefined): boolean {
  if (!isAnswered(value)) return false
  if (item.type === 'time') return typeof value === 'string' && CLOCK.test(value)
  if (item.type === 'number') {
    const number = typeof value === 'number' ? value : Number(value)
    return Number.isFinite(number) && number >= (item.min ?? -Infinity) && number <= (item.max ?? Infinity)
  }
  return item.choices.some((choice) => choice.value === value)
}

export function itemsOnPage(form: Questionnaire, page: number): QuestionnaireItem[] {
  const ids = form.pages[page] ?? []
  const byId = new Map(form.items.map((item) => [item.id, item]))
  return ids.map((id) => byId.get(id)).filter((item): item is QuestionnaireItem => !!item)
}

/** The first item of the page (or of the whole form) without a valid answer, or null. */
export function firstMissing(form: Questionnaire, answers: Answers, page?: number): string | null {
  const items = page === undefined ? form.items : itemsOnPage(form, page)
  const missing = items.find((item) => !validAnswer(item, answers[item.id]))
  return missing ? missing.id : null
}

/** The first page with a missing answer (where to send someone who pressed submit). */
export function firstIncompletePage(form: Questionnaire, answers: Answers): number | null {
  const index = form.pages.findIndex((_, page) => firstMissing(form, answers, page) !== null)
  return index < 0 ? null : index
}

export function answeredCount(form: Questionnaire, answers: Answers): number {
  return form.items.filter((item) => validAnswer(item, answers[item.id])).length
}

/** What goes to the server: valid answers of this form's items only (a draft may be partial). */
export function answersToSave(form: Questionnaire, answers: Answers): Answers {
  const out: Answers = {}
  for (const item of form.items) {
    const value = answers[item.id]
    if (validAnswer(item, value)) out[item.id] = item.type === 'number' ? Number(value) : (value as AnswerValue)
  }
  return out
}

/** Where to resume: the saved page, kept inside the form. */
export function resumePage(form: Questionnaire): number {
  const page = form.draft?.page ?? 0
  return Math.min(Math.max(page, 0), Math.max(form.pages.length - 1, 0))
}
