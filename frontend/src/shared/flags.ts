/**
 * Abnormal flags (HL7 table 0078 subset, as the catalog computes them in records/catalog.py):
 * N normal, L/H below/above the reference range, LL/HH at or beyond a critical value (危急值),
 * A abnormal (a coded or text result). "" means no reference to judge against.
 */
import type { Flag, Observation } from '@/api/types'
import { formatRange, trimDecimal } from './format'

export type Severity = 'normal' | 'abnormal' | 'critical' | 'unknown'

export function flagSeverity(flag: Flag | string | null | undefined): Severity {
  switch (flag) {
    case 'N':
      return 'normal'
    case 'L':
    case 'H':
    case 'A':
      return 'abnormal'
    case 'LL':
    case 'HH':
      return 'critical'
    default:
      return 'unknown'
  }
}

export function isAbnormal(flag: Flag | string | null | undefined): boolean {
  const severity = flagSeverity(flag)
  return severity === 'abnormal' || severity === 'critical'
}

/** Arrows as printed on Chinese lab sheets. */
export function flagArrow(flag: Flag | string | null | undefined): string {
  return { H: '↑', L: '↓', HH: '↑↑', LL: '↓↓', A: '!' }[flag ?? ''] ?? ''
}

type Translate = (key: string, values?: Record<string, unknown>) => string

interface Explainable {
  flag?: Observation['flag'] | string | null
  ref_low?: string | null
  ref_high?: string | null
  unit?: string
}

/**
 * A plain-language explanation of one result for the person it belongs to, e.g.
 * "偏高：高于参考范围上限 139 mmHg". ``unitLabel`` is the display unit ("mmHg", not "mm[Hg]").
 */
export function explainFlag(obs: Explainable, t: Translate, unitLabel = ''): string {
  // A no-break space keeps "139 mmHg" on one line.
  const withUnit = (value: string) => (unitLabel ? `${value}\u00a0${unitLabel}` : value)
  const high = trimDecimal(obs.ref_high)
  const low = trimDecimal(obs.ref_low)
  const range = formatRange(obs.ref_low, obs.ref_high)
  switch (obs.flag) {
    case 'H':
      return high ? t('flag.explain.H', { high: withUnit(high) }) : t('flag.explain.H_noref')
    case 'HH':
      return high ? t('flag.explain.HH', { high: withUnit(high) }) : t('flag.explain.HH_noref')
    case 'L':
      return low ? t('flag.explain.L', { low: withUnit(low) }) : t('flag.explain.L_noref')
    case 'LL':
      return low ? t('flag.explain.LL', { low: withUnit(low) }) : t('flag.explain.LL_noref')
    case 'A':
      return t('flag.explain.A')
    case 'N':
      return range ? t('flag.explain.N', { range: withUnit(range) }) : t('flag.explain.N_noref')
    default:
      return t('flag.explain.none')
  }
}
