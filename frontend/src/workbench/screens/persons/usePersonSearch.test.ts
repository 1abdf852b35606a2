import { describe, expect, it } from 'vitest'
import type { OrgNode } from '@/api/types'
import { criteriaFromQuery, findUnit, queryFromCriteria } from './usePersonSearch'

describe('search criteria in the URL', () => {
  it('reads what the URL says and ignores nonsense', () => {
    expect(criteriaFromQuery({ q: 'zsf', status: 'retired', page: '3' })).toEqual({ q: 'zsf', org_unit: '', status: 'retired', page: 3 })
    expect(criteriaFromQuery({ status: 'dead', page: '-1', q: ['a', 'b'] })).toEqual({ q: '', org_unit: '', status: '', page: 1 })
  })

  it('writes only what is set, trimmed', () => {
    expect(queryFromCriteria({ q: ' 0104 ', org_unit: '', status: '', page: 1 })).toEqual({ q: '0104' })
    expect(queryFromCriteria({ q: '', org_unit: 'u1', status: 'active', page: 2 })).toEqual({ org_unit: 'u1', status: 'active', page: '2' })
  })

  it('round-trips', () => {
    const criteria = { q: '张', org_unit: 'u1', status: 'left' as const, page: 4 }
    expect(criteriaFromQuery(queryFromCriteria(criteria))).toEqual(criteria)
  })
})

describe('findUnit', () => {
  const tree: OrgNode[] = [
    { uuid: 'c', name: '石化公司', code: 'C', kind: 'company', children: [{ uuid: 'd', name: '炼油厂', code: 'C01', kind: 'division', children: [] }] },
  ]
  it('finds a unit at any depth', () => {
    expect(findUnit(tree, 'd')?.name).toBe('炼油厂')
    expect(findUnit(tree, 'x')).toBeNull()
  })
})
