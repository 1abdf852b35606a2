import { describe, expect, it } from 'vitest'
import { can } from '../permissions'
import { sessionHint } from './session'

function doc(content: string | null) {
  return { querySelector: () => (content === null ? null : { content }) } as unknown as Pick<Document, 'querySelector'>
}

describe('sessionHint', () => {
  it('reads the page meta written by healthloop.web', () => {
    expect(sessionHint(doc('1'))).toBe(true)
    expect(sessionHint(doc('0'))).toBe(false)
    expect(sessionHint(doc(null))).toBeNull()
  })
})

describe('can (the one permission helper)', () => {
  const doctor = { permissions: ['people.search_persons', 'people.view_person', 'records.view_record'] }
  it('needs every permission named', () => {
    expect(can(doctor, 'people.search_persons')).toBe(true)
    expect(can(doctor, ['people.view_person', 'records.view_record'])).toBe(true)
    expect(can(doctor, ['people.view_person', 'accounts.manage_users'])).toBe(false)
  })
  it('lets any logged-in user through when nothing is named, nobody when logged out', () => {
    expect(can(doctor, undefined)).toBe(true)
    expect(can(null, undefined)).toBe(false)
  })
})

describe('safeNext', () => {
  it('follows same-site paths only', async () => {
    const { safeNext } = await import('../navigation')
    expect(safeNext('/persons?q=zsf')).toBe('/persons?q=zsf')
    expect(safeNext('//evil.example/')).toBe('/')
    expect(safeNext('https://evil.example/')).toBe('/')
    expect(safeNext(undefined)).toBe('/')
  })
})
