import { describe, expect, it } from 'vitest'
import type { RegisterSummaryRow } from '@/api/types'
import { basisLines, includedTotal, levelTotals, pivotSummary, worstColour } from './screening'

const rows: RegisterSummaryRow[] = [
  { disease: 'hypertension', status: 'included', level: 'red', n: 2 },
  { disease: 'hypertension', status: 'included', level: 'yellow', n: 5 },
  { disease: 'hypertension', status: 'excluded', level: 'red', n: 1 },
  { disease: 'obesity', status: 'included', level: '', n: 9 },
  { disease: 'diabetes', status: 'included', level: 'orange', n: 1 },
]

describe('pivotSummary', () => {
  it('gives one line per disease, largest register first, excluded counted apart', () => {
    const lines = pivotSummary(rows)
    expect(lines.map((l) => l.disease)).toEqual(['obesity', 'hypertension', 'diabetes'])
    const hypertension = lines[1]!
    expect(hypertension.included).toBe(7)
    expect(hypertension.excluded).toBe(1)
    expect(hypertension.levels).toEqual({ red: 2, orange: 0, yellow: 5, green: 0, none: 0 })
    expect(lines[0]!.levels.none).toBe(9)
  })

  it('is empty for no rows', () => {
    expect(pivotSummary([])).toEqual([])
  })
})

describe('levelTotals and includedTotal', () => {
  it('count only included persons, ungraded apart', () => {
    expect(levelTotals(rows)).toEqual({ red: 2, orange: 1, yellow: 5, green: 0, none: 9 })
    expect(includedTotal(rows)).toBe(17)
  })
})

describe('worstColour', () => {
  it('picks the highest risk present', () => {
    expect(worstColour([{ colour: 'green' }, { colour: 'orange' }, { colour: 'yellow' }])).toBe('orange')
    expect(worstColour([])).toBeNull()
  })
})

describe('basisLines', () => {
  it('flattens the stored basis to lines of text', () => {
    expect(basisLines(['收缩压 152mmHg（2025-04-10）', '空腹血糖 6.8mmol/L'])).toEqual(['收缩压 152mmHg（2025-04-10）', '空腹血糖 6.8mmol/L'])
    expect(basisLines('单行')).toEqual(['单行'])
    expect(basisLines([{ text: 'a' }, { label: 'b' }, ['c']])).toEqual(['a', 'b', 'c'])
    expect(basisLines(null)).toEqual([])
    expect(basisLines({ x: 1 })).toEqual(['{"x":1}'])
  })
})
