import { describe, expect, it } from 'vitest'
import type { HistoryPoint } from '@/api/types'
import { bandCaption, COLORS, timeExtent, trendOption } from './trendOption'

const labels = { name: '收缩压', reference: '参考范围', unit: 'mmHg' }

function point(date: string, value: string, flag: HistoryPoint['flag'], low = '90.0000', high = '139.0000'): HistoryPoint {
  return { effective_at: `${date}T01:30:00Z`, value_num: value, flag, ref_low: low, ref_high: high, status: 'final' }
}

const sbp = [point('2024-06-10', '141.0000', 'H'), point('2023-05-10', '138.0000', 'N'), point('2025-04-10', '146.0000', 'H')]

describe('trendOption', () => {
  const option = trendOption({ points: sbp, labels })
  const line = option.series[0] as { data: { value: [number, number]; itemStyle?: { color: string } }[]; markArea?: { data: unknown } }

  it('plots the results in time order', () => {
    expect(line.data.map((d) => d.value[1])).toEqual([138, 141, 146])
  })

  it('colours abnormal results', () => {
    expect(line.data.map((d) => d.itemStyle?.color)).toEqual([undefined, COLORS.abnormal, COLORS.abnormal])
  })

  it('shades the constant reference range', () => {
    expect(line.markArea?.data).toEqual([[{ yAxis: 90 }, { yAxis: 139 }]])
    expect(option.series).toHaveLength(1)
  })

  it('ticks years when the history spans years', () => {
    expect(option.xAxis.axisLabel.formatter).toBe('{yyyy}')
    const short = trendOption({ points: sbp.slice(0, 1), labels })
    expect(short.xAxis.axisLabel.formatter).toBe('{yyyy}-{MM}')
  })

  it('fixes the y axis so that band and values show', () => {
    expect([option.yAxis.min, option.yAxis.max]).toEqual([80, 160])
  })

  it('describes the numbers for screen readers', () => {
    expect(option.aria.label.description).toBe(
      '收缩压 mmHg; 2023-05-10 138, 2024-06-10 141, 2025-04-10 146; 参考范围 90–139 mmHg',
    )
  })

  it('drops cancelled and non-numeric points', () => {
    const withNoise = [...sbp, { ...point('2022-01-01', '1', 'N'), status: 'cancelled' as const }, { ...point('2021-01-01', '', 'A'), value_num: null }]
    const series = trendOption({ points: withNoise, labels }).series[0] as { data: unknown[] }
    expect(series.data).toHaveLength(3)
  })

  it('draws a band that follows a changing range as stacked areas', () => {
    const crea = [point('2020-05-01', '90', 'N', '57', '97'), point('2025-05-01', '105', 'N', '57', '111')]
    const series = trendOption({ points: crea, labels }).series as { name: string; stack?: string; data: [number, number][] }[]
    expect(series.map((s) => s.stack)).toEqual([undefined, 'reference', 'reference'])
    expect(series[1]?.data.map((d) => d[1])).toEqual([57, 57])
    expect(series[2]?.data.map((d) => d[1])).toEqual([40, 54])
  })
})

describe('bandCaption and timeExtent', () => {
  it('names the latest reference range', () => {
    expect(bandCaption(sbp, labels)).toBe('参考范围 90–139 mmHg')
    expect(bandCaption([point('2025-01-01', '170', '', '', '')].map((p) => ({ ...p, ref_low: null, ref_high: null })), labels)).toBe('')
  })

  it('pads the time axis by at least 30 days', () => {
    const day = 24 * 3600 * 1000
    const [min, max] = timeExtent([0, 10 * day])
    expect([min, max]).toEqual([-30 * day, 40 * day])
    expect(timeExtent([])).toEqual([undefined, undefined])
  })
})
