/**
 * The ECharts option of one item's trend: the values as a line (abnormal points in red), the
 * reference range as a shaded green band. Pure: the component only hands it to ECharts.
 */
import type { HistoryPoint } from '@/api/types'
import { isAbnormal } from '../flags'
import { escapeHtml, formatDate, formatRange, toNumber, trimDecimal } from '../format'
import { axisExtent, referenceBand } from './referenceBand'

export const COLORS = {
  line: '#1677ff',
  abnormal: '#d4380d',
  band: 'rgba(82, 196, 26, 0.14)',
} as const

export interface TrendLabels {
  /** Series name, e.g. "收缩压". */
  name: string
  /** "参考范围" / "Reference range". */
  reference: string
  unit: string
}

export interface TrendOptionInput {
  points: readonly HistoryPoint[]
  labels: TrendLabels
  fontSize?: number
}

function numericPoints(points: readonly HistoryPoint[]) {
  return points
    .map((p) => ({ ...p, value: toNumber(p.value_num), time: new Date(p.effective_at).getTime() }))
    .filter((p) => p.value !== null && !Number.isNaN(p.time) && p.status !== 'cancelled')
    .sort((a, b) => a.time - b.time)
}

/**
 * The legend line under the chart title: the reference range of the latest result (ranges can
 * change with age), e.g. "参考范围 90–139 mmHg"; "" when the item has none.
 */
export function bandCaption(points: readonly HistoryPoint[], labels: TrendLabels): string {
  const latest = numericPoints(points).at(-1)
  const range = latest ? formatRange(latest.ref_low, latest.ref_high) : ''
  return range ? `${labels.reference} ${range}${labels.unit ? ` ${labels.unit}` : ''}` : ''
}

const DAY_MS = 24 * 3600 * 1000
const YEAR_MS = 365.25 * DAY_MS

/** Room on both sides of the first and last result so their value labels stay clear of the
 *  axes (6 % of the span, at least 30 days). */
export function timeExtent(times: readonly number[]): [number | undefined, number | undefined] {
  if (times.length === 0) return [undefined, undefined]
  const first = Math.min(...times)
  const last = Math.max(...times)
  const pad = Math.max((last - first) * 0.06, 30 * DAY_MS)
  return [first - pad, last + pad]
}

export function trendOption({ points, labels, fontSize = 12 }: TrendOptionInput) {
  const rows = numericPoints(points)
  const band = referenceBand(rows)
  const [yMin, yMax] = axisExtent(
    rows.map((r) => r.value),
    band,
  )
  const unitSuffix = labels.unit ? ` ${labels.unit}` : ''
  const [xMin, xMax] = timeExtent(rows.map((r) => r.time))
  const yearly = xMin !== undefined && xMax !== undefined && xMax - xMin >= 2 * YEAR_MS
  const data = rows.map((r) => ({
    value: [r.time, r.value],
    flag: r.flag ?? '',
    itemStyle: isAbnormal(r.flag) ? { color: COLORS.abnormal } : undefined,
    label: isAbnormal(r.flag) ? { color: COLORS.abnormal, fontWeight: 'bold' as const } : undefined,
  }))

  const series: Record<string, unknown>[] = [
    {
      type: 'line',
      name: labels.name,
      data,
      symbolSize: Math.round(fontSize * 0.7),
      lineStyle: { width: 2, color: COLORS.line },
      itemStyle: { color: COLORS.line },
      label: { show: true, position: 'top', fontSize, formatter: (p: { value: [number, number] }) => trimDecimal(p.value[1]) },
      z: 3,
      markArea:
        band.kind === 'constant'
          ? {
              silent: true,
              itemStyle: { color: COLORS.band },
              data: [[{ yAxis: band.low ?? yMin }, { yAxis: band.high ?? yMax }]],
            }
          : undefined,
    },
  ]
  if (band.kind === 'varying') {
    // Stacked areas: an invisible lower edge, then the band's height on top of it.
    const lower = rows.map((r, i) => [r.time, band.lows[i] ?? yMin])
    const height = rows.map((r, i) => [r.time, (band.highs[i] ?? yMax) - (band.lows[i] ?? yMin)])
    const edge = { type: 'line', stack: 'reference', symbol: 'none', silent: true, lineStyle: { opacity: 0 }, step: 'middle' }
    series.push(
      { ...edge, name: `${labels.reference}-low`, data: lower, tooltip: { show: false } },
      { ...edge, name: labels.reference, data: height, areaStyle: { color: COLORS.band }, tooltip: { show: false } },
    )
  }

  return {
    animation: false,
    // Screen readers get the numbers themselves, not a description of the drawing.
    aria: {
      enabled: true,
      label: {
        description: [
          `${labels.name}${unitSuffix}`,
          rows.map((r) => `${formatDate(r.effective_at)} ${trimDecimal(r.value)}`).join(', '),
          bandCaption(points, labels),
        ]
          .filter(Boolean)
          .join('; '),
      },
    },
    grid: { left: 8, right: 16, top: fontSize * 2.4, bottom: 8, containLabel: true },
    tooltip: {
      trigger: 'axis',
      textStyle: { fontSize },
      formatter: (params: { seriesIndex: number; value: [number, number]; data: { flag: string } }[]) => {
        const main = params.find((p) => p.seriesIndex === 0)
        if (!main) return ''
        const row = rows.find((r) => r.time === main.value[0])
        const range = row ? formatRange(row.ref_low, row.ref_high) : ''
        return [
          formatDate(new Date(main.value[0]).toISOString()),
          `${labels.name}: ${trimDecimal(main.value[1])}${unitSuffix}`,
          range ? `${labels.reference}: ${range}${unitSuffix}` : '',
        ]
          .filter(Boolean)
          .map(escapeHtml)
          .join('<br/>')
      },
    },
    xAxis: {
      type: 'time',
      min: xMin,
      max: xMax,
      // Yearly exams read best against yearly ticks; short histories get months.
      minInterval: yearly ? YEAR_MS : undefined,
      axisLabel: { fontSize, hideOverlap: true, formatter: yearly ? '{yyyy}' : '{yyyy}-{MM}' },
      splitLine: { show: false },
    },
    yAxis: {
      type: 'value',
      min: yMin,
      max: yMax,
      name: labels.unit,
      nameTextStyle: { fontSize, align: 'left' as const },
      axisLabel: { fontSize },
    },
    series,
  }
}
