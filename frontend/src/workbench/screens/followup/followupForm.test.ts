import { describe, expect, it } from 'vitest'
import { answerSlots, emptyForm, formProblem, resultBody } from './followupForm'

const phq9 = {
  name: 'phq9',
  title: { zh: 'PHQ-9', en: 'PHQ-9' },
  input_schema: { properties: { answers: { type: 'array', minItems: 9, maxItems: 9, items: { minimum: 0, maximum: 3 } } } },
}

describe('answerSlots', () => {
  it('reads a fixed-length integer instrument from its JSON schema', () => {
    expect(answerSlots(phq9)).toEqual({ count: 9, min: 0, max: 3 })
  })
  it('gives up on other shapes', () => {
    expect(answerSlots(undefined)).toBeNull()
    expect(answerSlots({ ...phq9, input_schema: { properties: { answers: { type: 'array', minItems: 1, maxItems: 9 } } } })).toBeNull()
    expect(answerSlots({ ...phq9, input_schema: { properties: { age: { type: 'integer' } } } })).toBeNull()
  })
})

describe('formProblem', () => {
  it('asks for what the outcome needs', () => {
    const form = emptyForm('phone', 0)
    expect(formProblem(form, '')).toBeNull()
    form.outcome = 'call_later'
    expect(formProblem(form, '')).toBe('call_back_on')
    form.call_back_on = '2026-12-01'
    expect(formProblem(form, '')).toBeNull()
    form.outcome = 'end'
    expect(formProblem(form, '')).toBe('end_reason_code')
  })
  it('refuses a half-answered questionnaire but not an untouched one', () => {
    const form = emptyForm('phone', 3)
    expect(formProblem(form, 'phq9')).toBeNull()
    form.answers[0] = 1
    expect(formProblem(form, 'phq9')).toBe('answers')
    form.answers = [1, 0, 2]
    expect(formProblem(form, 'phq9')).toBeNull()
  })
})

describe('resultBody', () => {
  it('sends the outcome, the filled measurements and a complete questionnaire', () => {
    const form = emptyForm('phone', 3)
    form.values = { SBP: ' 138 ', DBP: '86', GLU: '' }
    form.answers = [1, 0, 2]
    form.note = ' 血压控制尚可 '
    expect(resultBody(form, 'phq9')).toEqual({
      outcome: 'continue',
      method: 'phone',
      note: '血压控制尚可',
      measurements: [
        { code: 'SBP', value: '138', unit: 'mmHg' },
        { code: 'DBP', value: '86', unit: 'mmHg' },
      ],
      questionnaire: { instrument: 'phq9', answers: [1, 0, 2] },
    })
  })
  it('adds only the fields of the outcome chosen', () => {
    const form = emptyForm('sms', 0)
    form.outcome = 'end'
    form.end_reason_code = 'moved'
    form.call_back_on = '2026-12-01'
    expect(resultBody(form, '')).toEqual({ outcome: 'end', method: 'sms', note: '', end_reason_code: 'moved', end_reason: '' })
  })
})
