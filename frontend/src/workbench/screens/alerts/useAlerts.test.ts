import { describe, expect, it } from 'vitest'
import type { Alert } from '@/api/types'
import { confirmable } from './useAlerts'

describe('confirmable', () => {
  it('keeps only the selected low-severity alerts still waiting for review', () => {
    const rows = [
      { uuid: 'a', state: 'new', severity: 'low' },
      { uuid: 'b', state: 'confirmed', severity: 'low' },
      { uuid: 'c', state: 'new', severity: 'low' },
      { uuid: 'd', state: 'dismissed', severity: 'low' },
      { uuid: 'e', state: 'new', severity: 'medium' },
    ] as Alert[]
    expect(confirmable(rows)).toEqual(['a', 'c'])
    expect(confirmable([])).toEqual([])
  })
})
