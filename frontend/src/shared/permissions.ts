/**
 * The one permission helper: used by the `v-can` directive and by the router guard.
 * Permission strings are the server's `app.verb_noun` (accounts/permissions.py); `me` lists
 * the ones the user's role holds.
 */
import type { Me } from '@/api/types'

export const Perm = {
  viewPerson: 'people.view_person',
  searchPersons: 'people.search_persons',
  viewOrgTree: 'people.view_org_tree',
  viewRecord: 'records.view_record',
  viewCatalog: 'records.view_catalog',
  viewSelf: 'accounts.view_self',
} as const

export type Permission = (typeof Perm)[keyof typeof Perm]

/** True when the user holds every permission named (none named: any logged-in user). */
export function can(me: Pick<Me, 'permissions'> | null, needed?: string | readonly string[]): boolean {
  if (!me) return false
  if (!needed || needed.length === 0) return true
  const list = typeof needed === 'string' ? [needed] : needed
  return list.every((perm) => me.permissions.includes(perm))
}
