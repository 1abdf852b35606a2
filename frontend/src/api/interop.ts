/** Interfaces: result-file imports and the HL7 v2 feed (monitoring, dead letters, code mapping). */
import { download, http, upload } from './http'
import type { FeedOverview, HeldCode, ImportJob, ImportJobDetail, InboundMessage, InboundMessageDetail, Page } from './types'

const I = '/api/v1/interop'

export type ImportMode = 'all_or_nothing' | 'valid_rows'

export const fetchImports = (page = 1, pageSize = 10) =>
  http.get<Page<ImportJob>>(`${I}/imports/`, { page, page_size: pageSize })
export const fetchImport = (uuid: string) => http.get<ImportJobDetail>(`${I}/imports/${encodeURIComponent(uuid)}/`)

export function uploadImport(file: File, mode: ImportMode, onProgress?: (percent: number) => void) {
  const form = new FormData()
  form.append('file', file)
  form.append('mode', mode)
  return upload<ImportJobDetail>(`${I}/imports/`, form, onProgress)
}

export const downloadImportErrors = (uuid: string) =>
  download(`${I}/imports/${encodeURIComponent(uuid)}/errors.csv`, undefined, 'errors.csv')
export const downloadImportTemplate = () => download(`${I}/imports/template.xlsx`, undefined, 'template.xlsx')

export const fetchFeeds = () => http.get<FeedOverview>(`${I}/feeds/`)
export const fetchMessages = (query: { status?: string; sending_facility?: string; page?: number; page_size?: number }) =>
  http.get<Page<InboundMessage>>(`${I}/messages/`, query)
export const fetchMessage = (uuid: string) => http.get<InboundMessageDetail>(`${I}/messages/${encodeURIComponent(uuid)}/`)
export const reprocessMessage = (uuid: string) =>
  http.post<InboundMessage>(`${I}/messages/${encodeURIComponent(uuid)}/reprocess/`)
export const fetchHeldCodes = () => http.get<HeldCode[]>(`${I}/quarantine/`)
export const mapLocalCode = (body: { sending_facility: string; local_code: string; local_text?: string; item_code: string }) =>
  http.post<{ released: number }>(`${I}/code-mappings/`, body)
