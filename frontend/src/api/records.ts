import { http } from './http'
import type { ExamItem, ItemHistory, Page, TimelineEntry } from './types'

export const fetchTimeline = (personUuid: string, page = 1, pageSize = 20) =>
  http.get<Page<TimelineEntry>>(
    `/api/v1/records/persons/${encodeURIComponent(personUuid)}/timeline/`,
    { page, page_size: pageSize },
  )

export const fetchItemHistory = (personUuid: string, itemCode: string) =>
  http.get<ItemHistory>(
    `/api/v1/records/persons/${encodeURIComponent(personUuid)}/items/${encodeURIComponent(itemCode)}/history/`,
  )

export const fetchCatalog = () => http.get<ExamItem[]>('/api/v1/records/catalog/items/')
