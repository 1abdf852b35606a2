import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import { messages } from '@/locales'
import { explainFlag, flagArrow, flagSeverity, isAbnormal } from './flags'

function translator(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, messages })
  return (key: string, values?: Record<string, unknown>) => i18n.global.t(key, values ?? {})
}

const zh = translator('zh-CN')
const en = translator('en')
const NBSP = '\u00a0'

describe('flag severity', () => {
  it.each([
    ['N', 'normal'],
    ['H', 'abnormal'],
    ['L', 'abnormal'],
    ['A', 'abnormal'],
    ['HH', 'critical'],
    ['LL', 'critical'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%s is %s', (flag, severity) => {
    expect(flagSeverity(flag)).toBe(severity)
  })

  it('counts H, L, HH, LL and A as abnormal, N and no flag not', () => {
    expect(['N', 'L', 'H', 'LL', 'HH', 'A', ''].filter((f) => isAbnormal(f))).toEqual(['L', 'H', 'LL', 'HH', 'A'])
  })

  it('draws the arrows of a lab sheet', () => {
    expect([flagArrow('H'), flagArrow('LL'), flagArrow('N')]).toEqual(['↑', '↓↓', ''])
  })
})

describe('explainFlag (plain language for the portal)', () => {
  const sbp = { flag: 'H', ref_low: '90.0000', ref_high: '139.0000' }

  it('explains a high result against the upper limit', () => {
    expect(explainFlag(sbp, zh)).toBe('偏高：高于参考范围上限 139')
  })

  it('keeps the value and its unit together', () => {
    expect(explainFlag(sbp, zh, 'mmHg')).toBe(`偏高：高于参考范围上限 139${NBSP}mmHg`)
  })

  it('explains a low result against the lower limit', () => {
    expect(explainFlag({ flag: 'L', ref_low: '3.9000', ref_high: '6.1000' }, zh, 'mmol/L')).toBe(
      `偏低：低于参考范围下限 3.9${NBSP}mmol/L`,
    )
  })

  it('asks to contact the doctor for a critical value', () => {
    expect(explainFlag({ flag: 'HH', ref_low: '3.9', ref_high: '6.1' }, zh)).toBe(
      '明显偏高：远高于参考范围上限 6.1，请尽快联系医生',
    )
  })

  it('falls back to words without numbers when the limit is missing', () => {
    expect(explainFlag({ flag: 'H', ref_low: null, ref_high: null }, zh)).toBe('偏高：高于参考范围')
  })

  it('explains normal, abnormal coded and unflagged results', () => {
    expect(explainFlag({ flag: 'N', ref_low: '90', ref_high: '139' }, zh)).toBe('正常：在参考范围 90–139 内')
    expect(explainFlag({ flag: 'A' }, zh)).toBe('异常：结果与正常情况不符，请留意医生的解读')
    expect(explainFlag({ flag: '' }, zh)).toBe('此项目没有参考范围')
  })

  it('speaks English too', () => {
    expect(explainFlag(sbp, en, 'mmHg')).toBe(`High: above the upper reference limit 139${NBSP}mmHg`)
  })
})
