import { describe, expect, it } from 'vitest'
import { filtersFromQuery, queryFromFilters } from './useRegisters'

describe('register filters in the URL', () => {
  it('default to the included persons', () => {
    expect(filtersFromQuery({})).toEqual({ disease: '', level: '', org_unit: '', age_band: '', sex: '', status: 'included' })
  })

  it('round-trip, "all statuses" written as status=all', () => {
    const filters = filtersFromQuery({ disease: 'hypertension', level: 'red', status: 'all', page: '2', junk: 'x' })
    expect(filters.status).toBe('')
    expect(queryFromFilters(filters, 2)).toEqual({ disease: 'hypertension', level: 'red', status: 'all', page: '2' })
    expect(filtersFromQuery(queryFromFilters(filters, 1))).toEqual(filters)
  })

  it('ignore non-string values (repeated keys)', () => {
    expect(filtersFromQuery({ disease: ['a', 'b'] }).disease).toBe('')
  })
})
