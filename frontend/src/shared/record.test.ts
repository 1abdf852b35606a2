import { describe, expect, it } from 'vitest'
import type { Observation, TimelineEntry } from '@/api/types'
import { abnormalCount, byConcern, chartableItems, defaultTrendItem, examsByYear, latestExam, reportOrder } from './record'

function obs(item_code: string, category: string, flag: Observation['flag'], value_num: string | null = '1'): Observation {
  return {
    uuid: `${item_code}-uuid`, item_code, item_name: item_code, category, value: value_num ?? '', value_num,
    flag, effective_at: '2025-04-10T01:30:00Z', status: 'final',
  }
}

function entry(uuid: string, occurred_at: string, observations: Observation[], kind: TimelineEntry['encounter']['kind'] = 'exam'): TimelineEntry {
  return { encounter: { uuid, kind, occurred_at }, observations }
}

// The API orders observations by category and code, alphabetically.
const results = [
  obs('GLU', 'glucose', 'H'),
  obs('CREA', 'kidney', 'N'),
  obs('UA', 'kidney', 'H'),
  obs('U_COLOR', 'urinalysis', 'N', null),
  obs('DBP', 'vitals', 'N'),
  obs('SBP', 'vitals', 'H'),
  obs('HEIGHT', 'anthropometry', ''),
]

describe('report order and concern', () => {
  it('orders like a printed report: general, vitals (SBP before DBP), urine, kidney, glucose', () => {
    expect(reportOrder(results).map((o) => o.item_code)).toEqual(['HEIGHT', 'SBP', 'DBP', 'U_COLOR', 'CREA', 'UA', 'GLU'])
  })

  it('puts critical, then abnormal results first', () => {
    const withCritical = [...results, obs('K', 'electrolytes', 'LL')]
    expect(byConcern(withCritical).map((o) => o.item_code).slice(0, 4)).toEqual(['K', 'SBP', 'UA', 'GLU'])
  })

  it('counts abnormal results, not cancelled ones', () => {
    const cancelled = { ...obs('TG', 'lipids', 'H'), status: 'cancelled' as const }
    expect(abnormalCount(entry('e', '2025-04-10T01:30:00Z', [...results, cancelled]))).toBe(3)
  })
})

describe('trend items', () => {
  const entries = [entry('e2', '2025-04-10T01:30:00Z', results), entry('e1', '2024-04-10T01:30:00Z', results.slice(0, 2))]

  it('lists numeric items with their number of results', () => {
    const items = chartableItems(entries)
    expect(items.find((i) => i.code === 'GLU')?.count).toBe(2)
    expect(items.some((i) => i.code === 'U_COLOR')).toBe(false)
  })

  it('charts the first abnormal item in report order: the blood pressure', () => {
    expect(defaultTrendItem(entries[0] ?? null, chartableItems(entries))).toBe('SBP')
  })

  it('falls back to SBP, then to the first item', () => {
    const normal = entry('n', '2025-01-01T00:00:00Z', [obs('GLU', 'glucose', 'N'), obs('SBP', 'vitals', 'N')])
    expect(defaultTrendItem(normal, chartableItems([normal]))).toBe('SBP')
    const noSbp = entry('x', '2025-01-01T00:00:00Z', [obs('GLU', 'glucose', 'N')])
    expect(defaultTrendItem(noSbp, chartableItems([noSbp]))).toBe('GLU')
    expect(defaultTrendItem(null, [])).toBe('')
  })
})

describe('exams by year', () => {
  it('groups exams by their year in Shanghai, newest first, and skips other encounters', () => {
    const entries = [
      entry('a', '2025-04-10T01:30:00Z', []),
      entry('visit', '2025-03-01T01:30:00Z', [], 'outpatient'),
      entry('b', '2024-12-31T18:00:00Z', []), // 2025-01-01 02:00 in Shanghai
      entry('c', '2023-05-10T01:30:00Z', []),
    ]
    expect(examsByYear(entries).map((g) => [g.year, g.entries.map((e) => e.encounter.uuid)])).toEqual([
      [2025, ['a', 'b']],
      [2023, ['c']],
    ])
    expect(latestExam(entries)?.encounter.uuid).toBe('a')
  })
})
