/**
 * ECharts options of the dashboard, built from plain numbers so that they can be tested
 * without a browser. Colours: the four risk colours; labels come translated.
 */
import type { Colour } from '@/api/types'
import { COLOURS, COLOUR_HEX } from '../../screening'

export interface StackRow {
  name: string
  levels: Record<Colour | 'none', number>
}

const FONT = "'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"

/** Horizontal or vertical bars stacked by risk colour (one bar per row). */
export function stackedLevelsOption(rows: readonly StackRow[], colourLabels: Record<Colour | 'none', string>, horizontal = false) {
  const names = rows.map((r) => r.name)
  const keys = [...COLOURS, 'none' as const].filter((key) => rows.some((r) => r.levels[key] > 0))
  const category = { type: 'category' as const, data: names, axisLabel: { fontFamily: FONT, interval: 0 } }
  const value = { type: 'value' as const, minInterval: 1 }
  return {
    textStyle: { fontFamily: FONT },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0, data: keys.map((k) => colourLabels[k]) },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? { ...category, inverse: true } : value,
    series: keys.map((key) => ({
      name: colourLabels[key],
      type: 'bar' as const,
      stack: 'level',
      barMaxWidth: 36,
      itemStyle: { color: COLOUR_HEX[key] },
      data: rows.map((r) => r.levels[key]),
    })),
    aria: { enabled: true },
  }
}

/** A donut of included persons by colour. */
export function levelPieOption(totals: Record<Colour | 'none', number>, colourLabels: Record<Colour | 'none', string>) {
  const keys = [...COLOURS, 'none' as const].filter((key) => totals[key] > 0)
  return {
    textStyle: { fontFamily: FONT },
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { bottom: 0 },
    series: [
      {
        type: 'pie' as const,
        radius: ['45%', '72%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}\n{c}' },
        data: keys.map((key) => ({ name: colourLabels[key], value: totals[key], itemStyle: { color: COLOUR_HEX[key] } })),
      },
    ],
    aria: { enabled: true },
  }
}

/** Simple bars (open findings by severity). */
export function barsOption(labels: readonly string[], values: readonly number[], colours: readonly string[]) {
  return {
    textStyle: { fontFamily: FONT },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category' as const, data: [...labels] },
    yAxis: { type: 'value' as const, minInterval: 1 },
    series: [
      {
        type: 'bar' as const,
        barMaxWidth: 48,
        label: { show: true, position: 'top' },
        data: values.map((value, i) => ({ value, itemStyle: { color: colours[i] } })),
      },
    ],
    aria: { enabled: true },
  }
}

export interface IndicatorLine {
  name: string
  points: readonly { year: number; examined: number; abnormal: number; rate: number | null }[]
}

export interface IndicatorWords {
  examined: string
  abnormal: string
}

/** One line per indicator: the share (%) of the persons examined that year beyond the
 *  threshold. A year nobody was examined is a gap, not a zero. The tooltip gives the counts
 *  behind each share and the guideline it comes from. */
export function indicatorLinesOption(years: readonly number[], lines: readonly IndicatorLine[], words: IndicatorWords) {
  const byName = new Map(lines.map((line) => [line.name, line]))
  const formatter = (params: { seriesName: string; dataIndex: number; marker: string }[]) => {
    const year = years[params[0]?.dataIndex ?? 0]
    const rows = params.map(({ seriesName, dataIndex, marker }) => {
      const point = byName.get(seriesName)?.points[dataIndex]
      if (!point || point.rate === null) return `${marker}${seriesName}: —`
      return `${marker}${seriesName}: ${point.rate}% (${words.abnormal} ${point.abnormal} / ${words.examined} ${point.examined})`
    })
    return [String(year), ...rows].join('<br/>')
  }
  return {
    textStyle: { fontFamily: FONT },
    tooltip: { trigger: 'axis', formatter },
    legend: { top: 0, type: 'scroll' as const },
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category' as const, boundaryGap: false, data: years.map(String) },
    yAxis: { type: 'value' as const, min: 0, axisLabel: { formatter: '{value}%' } },
    series: lines.map((line) => ({
      name: line.name,
      type: 'line' as const,
      symbolSize: 8,
      connectNulls: false,
      data: line.points.map((p) => p.rate),
    })),
    aria: { enabled: true },
  }
}
