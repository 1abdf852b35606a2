import { describe, expect, it } from 'vitest'
import { displayUnit, escapeHtml, formatDate, formatRange, toNumber, trimDecimal, yearOf } from './format'

describe('trimDecimal', () => {
  it.each([
    ['139.0000', '139'],
    ['6.1000', '6.1'],
    ['0.0500', '0.05'],
    ['-0.0000', '0'],
    ['120', '120'],
    ['', ''],
    [null, ''],
    ['阴性', '阴性'],
  ])('%s → %s', (input, expected) => {
    expect(trimDecimal(input)).toBe(expected)
  })
})

describe('formatRange', () => {
  it('prints a closed range with an en dash', () => expect(formatRange('90.0000', '139.0000')).toBe('90–139'))
  it('prints an upper bound only as ≤', () => expect(formatRange(null, '5.1900')).toBe('≤5.19'))
  it('prints a lower bound only as ≥', () => expect(formatRange('1.0000', null)).toBe('≥1'))
  it('is empty without bounds', () => expect(formatRange(null, undefined)).toBe(''))
})

describe('displayUnit', () => {
  it.each([
    ['mm[Hg]', 'mmHg'],
    ['10*9/L', '×10⁹/L'],
    ['umol/L', 'μmol/L'],
    ['mmol/L', 'mmol/L'],
    ['u[IU]/mL', 'μIU/mL'],
    ['[IU]/L', 'IU/L'],
    ['mL/min/{1.73_m2}', 'mL/min/1.73m²'],
    ['ng/mL', 'ng/mL'],
    ['pmol/L', 'pmol/L'],
    ['1', ''],
    ['', ''],
  ])('%s → %s', (ucum, shown) => {
    expect(displayUnit(ucum)).toBe(shown)
  })

  it('prints a rate the Chinese way in Chinese only', () => {
    expect([displayUnit('/min', 'zh-CN'), displayUnit('/min', 'en')]).toEqual(['次/分', '/min'])
  })
})

describe('dates in the hospital time zone', () => {
  it('shows an exam taken at 17:00 UTC on the next day in Shanghai', () => {
    expect(formatDate('2024-12-31T17:00:00Z')).toBe('2025-01-01')
    expect(yearOf('2024-12-31T17:00:00Z')).toBe(2025)
  })
  it('keeps dates that carry their own offset', () => {
    expect(formatDate('2025-04-10T09:30:00+08:00')).toBe('2025-04-10')
  })
  it('is empty for missing or invalid input', () => {
    expect(formatDate('')).toBe('')
    expect(formatDate('not a date')).toBe('')
  })
})

describe('helpers', () => {
  it('parses numbers from strings', () => {
    expect(toNumber('139.0000')).toBe(139)
    expect(toNumber('')).toBeNull()
    expect(toNumber('x')).toBeNull()
  })
  it('escapes HTML', () => expect(escapeHtml('<b>"a"&</b>')).toBe('&#60;b&#62;&#34;a&#34;&#38;&#60;/b&#62;'))
})
