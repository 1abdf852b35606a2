import { http } from './http'
import type { OrgNode, Page, PersonDetail, PersonListItem, PersonStatus } from './types'

export interface PersonSearchQuery {
  q?: string
  org_unit?: string
  status?: PersonStatus | ''
  page?: number
  page_size?: number
}

export const searchPersons = (query: PersonSearchQuery) =>
  http.get<Page<PersonListItem>>('/api/v1/people/persons/', { ...query })

export const fetchPerson = (uuid: string) =>
  http.get<PersonDetail>(`/api/v1/people/persons/${encodeURIComponent(uuid)}/`)

export const fetchOrgTree = () => http.get<OrgNode[]>('/api/v1/people/org-units/tree/')

/** How many persons the user may see, optionally in one unit (with sub-units) or status. */
export async function countPersons(query: Omit<PersonSearchQuery, 'page' | 'page_size'>) {
  const page = await searchPersons({ ...query, page_size: 1 })
  return page.count
}
