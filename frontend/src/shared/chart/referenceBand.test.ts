import { describe, expect, it } from 'vitest'
import { axisExtent, referenceBand } from './referenceBand'

const point = (value: string, low: string | null, high: string | null) => ({ value_num: value, ref_low: low, ref_high: high })

describe('referenceBand', () => {
  it('is one constant band when every result had the same range', () => {
    const band = referenceBand([point('128', '90.0000', '139.0000'), point('152', '90.0000', '139.0000')])
    expect(band).toEqual({ kind: 'constant', low: 90, high: 139 })
  })

  it('keeps one-sided ranges one-sided', () => {
    expect(referenceBand([point('5.8', null, '5.1900')])).toEqual({ kind: 'constant', low: null, high: 5.19 })
  })

  it('follows the range per result when it changed (age or sex dependent)', () => {
    const band = referenceBand([point('90', '57', '97'), point('105', '57', '111')])
    expect(band).toEqual({ kind: 'varying', lows: [57, 57], highs: [97, 111] })
  })

  it('is none when no result had a range', () => {
    expect(referenceBand([point('172', null, null)])).toEqual({ kind: 'none' })
    expect(referenceBand([])).toEqual({ kind: 'none' })
  })
})

describe('axisExtent', () => {
  it('shows the values and the band, on round numbers', () => {
    expect(axisExtent([128, 136, 152], { kind: 'constant', low: 90, high: 139 })).toEqual([80, 160])
  })

  it('does not go below zero for positive quantities', () => {
    const [min, max] = axisExtent([0.8, 1.2], { kind: 'constant', low: null, high: 1.69 })
    expect(min).toBe(0.6)
    expect(max).toBeGreaterThanOrEqual(1.69)
    expect(axisExtent([0.2], { kind: 'constant', low: 0, high: 0.5 })[0]).toBe(0)
  })

  it('widens a single value into a visible range', () => {
    const [min, max] = axisExtent([100], { kind: 'none' })
    expect(min).toBeLessThan(100)
    expect(max).toBeGreaterThan(100)
  })

  it('includes varying bands', () => {
    const [min, max] = axisExtent([90, 105], { kind: 'varying', lows: [57, 57], highs: [97, 111] })
    expect(min).toBeLessThanOrEqual(57)
    expect(max).toBeGreaterThanOrEqual(111)
  })

  it('has a default without any number', () => {
    expect(axisExtent([], { kind: 'none' })).toEqual([0, 1])
  })
})
