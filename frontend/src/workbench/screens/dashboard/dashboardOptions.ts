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
