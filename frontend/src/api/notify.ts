/** Notification deliveries (supervision): the list, success rate per channel, resend failed ones. */
import { http } from './http'
import type { Delivery, DeliveryStats, Page } from './types'

const N = '/api/v1/notify'

export const fetchDeliveries = (query: { status?: string; channel?: string; page?: number; page_size?: number }) =>
  http.get<Page<Delivery>>(`${N}/deliveries/`, query)
/** Dates as YYYY-MM-DD in the hospital's time zone, both inclusive. */
export const fetchDeliveryStats = (since: string, until: string) => http.get<DeliveryStats>(`${N}/deliveries/stats/`, { since, until })
export const resendDeliveries = (body: { uuids?: string[]; all_failed?: boolean; channel?: string }) =>
  http.post<{ queued: number }>(`${N}/deliveries/resend/`, body)
