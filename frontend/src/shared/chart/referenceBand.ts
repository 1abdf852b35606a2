/**
 * The shaded reference band of a trend chart, and a y-axis extent that shows both the values
 * and the band. Each history point carries the range that applied to it (ranges change with
 * age and sex), so the band is either one constant range or a range per point.
 */
import { toNumber } from '../format'

export interface RangePoint {
  value_num?: string | null
  ref_low?: string | null
  ref_high?: string | null
}

export type Band =
  | { kind: 'none' }
  | { kind: 'constant'; low: number | null; high: number | null }
  | { kind: 'varying'; lows: (number | null)[]; highs: (number | null)[] }

export function referenceBand(points: readonly RangePoint[]): Band {
  const lows = points.map((p) => toNumber(p.ref_low))
  const highs = points.map((p) => toNumber(p.ref_high))
  if (lows.every((v) => v === null) && highs.every((v) => v === null)) return { kind: 'none' }
  const sameLow = lows.every((v) => v === lows[0])
  const sameHigh = highs.every((v) => v === highs[0])
  if (sameLow && sameHigh) return { kind: 'constant', low: lows[0] ?? null, high: highs[0] ?? null }
  return { kind: 'varying', lows, highs }
}

/** A round step (1, 2, 5 × 10^n) near span / 5. */
function niceStep(span: number): number {
  const raw = span / 5
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const fraction = raw / magnitude
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
  return nice * magnitude
}

/** y-axis [min, max] on round numbers, with room above and below values and band. */
export function axisExtent(values: readonly (number | null)[], band: Band): [number, number] {
  const numbers = values.filter((v): v is number => v !== null)
  if (band.kind === 'constant') {
    if (band.low !== null) numbers.push(band.low)
    if (band.high !== null) numbers.push(band.high)
  } else if (band.kind === 'varying') {
    for (const v of [...band.lows, ...band.highs]) if (v !== null) numbers.push(v)
  }
  if (numbers.length === 0) return [0, 1]
  let min = Math.min(...numbers)
  let max = Math.max(...numbers)
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1
    min -= pad
    max += pad
  }
  const span = max - min
  const step = niceStep(span)
  // 5 % headroom keeps point labels inside; then out to the next round step.
  const low = Math.floor((min - span * 0.05) / step) * step
  const high = Math.ceil((max + span * 0.05) / step) * step
  // Most measured quantities are not negative: do not draw the axis below 0 for them.
  return [min >= 0 && low < 0 ? 0 : round(low), round(high)]
}

function round(value: number): number {
  return Number(value.toPrecision(12))
}
