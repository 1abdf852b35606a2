/** Alerts (预警): the review queue, one-click confirm, edit, dismiss, bulk confirm, statistics. */
import { http } from './http'
import type { Alert, AlertDetail, AlertStats, Page } from './types'

const A = '/api/v1/alerts'
const one = (uuid: string) => `${A}/${encodeURIComponent(uuid)}`

export interface AlertQuery {
  /** Comma separated states; the server's default is "new". */
  state?: string
  severity?: string
  urgent?: boolean
  mine?: boolean
  disease?: string
  org_unit?: string
  page?: number
  page_size?: number
}

export const fetchAlerts = (query: AlertQuery) => http.get<Page<Alert>>(`${A}/`, { ...query })
export async function countAlerts(query: Omit<AlertQuery, 'page' | 'page_size'>): Promise<number> {
  return (await fetchAlerts({ ...query, page_size: 1 })).count
}
export const fetchPersonAlerts = (personUuid: string) =>
  http.get<Page<Alert>>(`${A}/persons/${encodeURIComponent(personUuid)}/`, { page_size: 50 })
export const fetchAlert = (uuid: string) => http.get<AlertDetail>(`${one(uuid)}/`)
export const editAlert = (uuid: string, text: string) => http.patch<AlertDetail>(`${one(uuid)}/`, { text })
/** One click: confirm the drafted text; with `text`, confirm an edited one. */
export const confirmAlert = (uuid: string, text?: string) =>
  http.post<AlertDetail>(`${one(uuid)}/confirm/`, text === undefined ? {} : { text })
export const dismissAlert = (uuid: string, reason: string) => http.post<AlertDetail>(`${one(uuid)}/dismiss/`, { reason })
export const bulkConfirmAlerts = (uuids: string[]) =>
  http.post<{ confirmed: number; alerts: string[] }>(`${A}/bulk-confirm/`, { alerts: uuids })
export const fetchAlertStats = (query: { since?: string; until?: string } = {}) => http.get<AlertStats>(`${A}/stats/`, query)
