import { describe, expect, it } from 'vitest'
import type { Rule } from '@/api/types'
import { draftChanges, formFromRule } from './useRule'
import { filterRules } from './useRules'

const rule = {
  code: 'THR_TG_HIGH',
  version: 1,
  kind: 'threshold',
  title: '甘油三酯升高',
  severity: 'low',
  advice: '复查血脂',
  source: '指南',
  definition: { when: { item: 'TG', gte: 2.3 } },
} as unknown as Rule

describe('draftChanges', () => {
  it('sends only what changed, with the note', () => {
    const form = formFromRule(rule)
    form.definition = form.definition.replace('2.3', '2.5')
    form.note = ' 新阈值 '
    expect(draftChanges(rule, form)).toEqual({ changes: { definition: { when: { item: 'TG', gte: 2.5 } }, note: '新阈值' } })
  })

  it('refuses a definition that is not a JSON object', () => {
    const form = formFromRule(rule)
    form.definition = '{"when": '
    expect(draftChanges(rule, form)).toEqual({ invalid: 'definition_json' })
    form.definition = '[1, 2]'
    expect(draftChanges(rule, form)).toEqual({ invalid: 'definition_json' })
  })

  it('refuses an unchanged form', () => {
    const form = formFromRule(rule)
    form.note = 'only a note'
    expect(draftChanges(rule, form)).toEqual({ invalid: 'no_change' })
  })

  it('treats re-indented JSON as unchanged', () => {
    const form = formFromRule(rule)
    form.definition = '{"when":{"item":"TG","gte":2.3}}'
    form.title = '甘油三酯升高（≥ 2.3）'
    expect(draftChanges(rule, form)).toEqual({ changes: { title: '甘油三酯升高（≥ 2.3）' } })
  })
})

describe('filterRules', () => {
  const line = (code: string, title: string, kind: string) =>
    ({ code, published: null, latest: { code, title, kind }, drafts: 0, yaml_update_pending: false }) as never
  const lines = [line('THR_TG_HIGH', '甘油三酯升高', 'threshold'), line('CRIT_K_HIGH', '血钾危急值', 'critical_value')]

  it('matches code or title, case-insensitively, and kind', () => {
    expect(filterRules(lines, 'thr_tg', '').map((l) => l.code)).toEqual(['THR_TG_HIGH'])
    expect(filterRules(lines, '血钾', '').map((l) => l.code)).toEqual(['CRIT_K_HIGH'])
    expect(filterRules(lines, '', 'critical_value').map((l) => l.code)).toEqual(['CRIT_K_HIGH'])
    expect(filterRules(lines, 'THR', 'critical_value')).toEqual([])
  })
})
