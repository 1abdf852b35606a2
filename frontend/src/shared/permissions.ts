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
  manageUsers: 'accounts.manage_users',
  managePersons: 'people.manage_persons',
  importResults: 'interop.import_results',
  manageInterfaces: 'interop.manage_interfaces',
  /** The rules API asks for accounts.manage_users today (assessment/rules/views.py P_RULES). */
  manageRules: 'accounts.manage_users',
  /** Register inclusion/exclusion asks for interop.import_results today (assessment/views.py). */
  editRegisters: 'interop.import_results',
  viewAlerts: 'alerts.view_alerts',
  reviewAlerts: 'alerts.review_alerts',
  viewAlertStats: 'alerts.view_alert_stats',
  viewFollowups: 'followup.view_tasks',
  recordFollowup: 'followup.record_result',
  assignFollowups: 'followup.assign_tasks',
  viewFollowupStats: 'followup.view_stats',
  viewDeliveries: 'notify.view_deliveries',
  resendNotifications: 'notify.resend_notifications',
} as const

export type Permission = (typeof Perm)[keyof typeof Perm]

/** True when the user holds every permission named (none named: any logged-in user). */
export function can(me: Pick<Me, 'permissions'> | null, needed?: string | readonly string[]): boolean {
  if (!me) return false
  if (!needed || needed.length === 0) return true
  const list = typeof needed === 'string' ? [needed] : needed
  return list.every((perm) => me.permissions.includes(perm))
}
