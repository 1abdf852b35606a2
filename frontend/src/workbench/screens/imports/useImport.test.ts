import { describe, expect, it } from 'vitest'
import { overallProgress, statusType } from './useImport'

describe('overallProgress', () => {
  it('gives the upload the first 30 % and the server the rest', () => {
    expect(overallProgress('idle', 50, 50)).toBe(0)
    expect(overallProgress('uploading', 0, 0)).toBe(0)
    expect(overallProgress('uploading', 100, 0)).toBe(30)
    expect(overallProgress('processing', 100, 0)).toBe(30)
    expect(overallProgress('processing', 100, 50)).toBe(65)
    expect(overallProgress('processing', 100, 100)).toBe(100)
    expect(overallProgress('done', 0, 0)).toBe(100)
  })

  it('clamps out-of-range figures', () => {
    expect(overallProgress('uploading', 250, 0)).toBe(30)
    expect(overallProgress('processing', 0, -5)).toBe(30)
  })
})

describe('statusType', () => {
  it('colours the final states', () => {
    expect(statusType('succeeded')).toBe('success')
    expect(statusType('partial')).toBe('warning')
    expect(statusType('rejected')).toBe('danger')
    expect(statusType('failed')).toBe('danger')
    expect(statusType('running')).toBe('info')
    expect(statusType(undefined)).toBe('info')
  })
})
