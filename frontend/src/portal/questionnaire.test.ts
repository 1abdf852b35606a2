import { describe, expect, it } from 'vitest'
import type { Questionnaire, QuestionnaireItem } from '@/api/portal'
import {
  answeredCount,
  answersToSave,
  firstIncompletePage,
  firstMissing,
  localText,
  normaliseTime,
  resumePage,
  validAnswer,
} from './questionnaire'

const freq = [0, 1, 2, 3].map((value) => ({ value, zh: `z${value}`, en: `e${value}` }))
const form: Questionnaire = {
  code: 'test',
  title: { zh: '测试', en: 'Test' },
  intro: { zh: '', en: '' },
  minutes: 1,
  items: [
    { id: 'q1', type: 'choice', zh: '一', en: 'one', choices: freq },
    { id: 'q2', type: 'choice', zh: '二', en: 'two', choices: freq },
    { id: 'bed', type: 'time', zh: '时间', en: 'time', choices: [] },
    { id: 'hours', type: 'number', zh: '小时', en: 'hours', choices: [], min: 0, max: 24, step: 0.5 },
  ],
  pages: [['q1', 'q2'], ['bed', 'hours']],
  draft: null,
}

const [q1, , bed, hours] = form.items as [QuestionnaireItem, QuestionnaireItem, QuestionnaireItem, QuestionnaireItem]

describe('questionnaire answers', () => {
  it('accepts only the offered choices, zero included', () => {
    expect(validAnswer(q1, 0)).toBe(true)
    expect(validAnswer(q1, 4)).toBe(false)
    expect(validAnswer(q1, '')).toBe(false)
  })

  it('checks times and number ranges like the server', () => {
    expect(validAnswer(bed, '23:30')).toBe(true)
    expect(validAnswer(bed, '24:00')).toBe(false)
    expect(validAnswer(hours, 6.5)).toBe(true)
    expect(validAnswer(hours, '7')).toBe(true)
    expect(validAnswer(hours, 25)).toBe(false)
  })

  it('normalises typed times', () => {
    expect(normaliseTime('7:05')).toBe('07:05')
    expect(normaliseTime('2230')).toBe('22:30')
    expect(normaliseTime('22：30')).toBe('22:30')
    expect(normaliseTime('25:00')).toBeNull()
    expect(normaliseTime('abc')).toBeNull()
  })

  it('finds the first missing item of a page and of the form', () => {
    const answers = { q1: 0, bed: '23:00' }
    expect(firstMissing(form, answers, 0)).toBe('q2')
    expect(firstMissing(form, answers, 1)).toBe('hours')
    expect(firstMissing(form, answers)).toBe('q2')
    expect(firstIncompletePage(form, { q1: 1, q2: 2, bed: '23:00' })).toBe(1)
    expect(firstIncompletePage(form, { q1: 1, q2: 2, bed: '23:00', hours: 7 })).toBeNull()
  })

  it('counts and saves only valid answers, numbers as numbers', () => {
    const answers = { q1: 3, q2: 9, bed: '', hours: '6.5', stray: 1 }
    expect(answeredCount(form, answers)).toBe(2)
    expect(answersToSave(form, answers)).toEqual({ q1: 3, hours: 6.5 })
  })

  it('resumes on the saved page, inside the form', () => {
    expect(resumePage({ ...form, draft: { answers: {}, page: 1, updated_at: '' } })).toBe(1)
    expect(resumePage({ ...form, draft: { answers: {}, page: 7, updated_at: '' } })).toBe(1)
    expect(resumePage(form)).toBe(0)
  })

  it('picks the text of the locale, Chinese by default', () => {
    expect(localText({ zh: '中', en: 'En' }, 'en')).toBe('En')
    expect(localText({ zh: '中', en: '' }, 'en')).toBe('中')
    expect(localText({ zh: '中', en: 'En' }, 'zh-CN')).toBe('中')
  })
})

describe('risk basis for a person', () => {
  it('drops the repeated label and the lines naming a model code', async () => {
    const { plainBasis } = await import('./screens/risk/useRisk')
    expect(plainBasis(['中低危', 'htn_risk_2018：中危', '尿酸 486μmol/L'], '中低危')).toEqual(['尿酸 486μmol/L'])
  })
})
