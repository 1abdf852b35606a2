/** Follow-up (随访): task lists by state, one task with its records, recording a result, reassigning. */
import { http } from './http'
import type { FollowUpResultInput, FollowUpTask, FollowUpTaskDetail, Page } from './types'

const F = '/api/v1/followup'
const task = (uuid: string) => `${F}/tasks/${encodeURIComponent(uuid)}`

export type TaskView = 'all' | 'open' | 'today' | 'overdue' | 'upcoming'

export interface TaskQuery {
  view?: TaskView
  status?: string
  mine?: boolean
  disease?: string
  person?: string
  page?: number
  page_size?: number
}

export const fetchTasks = (query: TaskQuery) => http.get<Page<FollowUpTask>>(`${F}/tasks/`, { ...query })
export async function countTasks(query: Omit<TaskQuery, 'page' | 'page_size'>): Promise<number> {
  return (await fetchTasks({ ...query, page_size: 1 })).count
}
export const fetchTask = (uuid: string) => http.get<FollowUpTaskDetail>(`${task(uuid)}/`)
export const recordResult = (uuid: string, body: FollowUpResultInput) =>
  http.post<{ record: unknown; task: FollowUpTask }>(`${task(uuid)}/results/`, body)
export const reassignTask = (uuid: string, body: { assignee: string; reason: string; whole_plan?: boolean }) =>
  http.post<FollowUpTask>(`${task(uuid)}/reassign/`, body)
export const fetchPersonFollowUps = (personUuid: string) =>
  http.get<FollowUpTask[]>(`${F}/persons/${encodeURIComponent(personUuid)}/tasks/`)

/** A questionnaire instrument's input, from the calculator catalogue (GET /api/v1/calculators). */
export interface CalculatorSpec {
  name: string
  title: { zh: string; en: string }
  input_schema: {
    properties?: Record<string, { type?: string; minItems?: number; maxItems?: number; items?: { minimum?: number; maximum?: number } }>
  }
}
export const fetchCalculators = () => http.get<CalculatorSpec[]>('/api/v1/calculators')

/** GET /followup/stats/: completion in a period (default: the last 90 days). */
export interface FollowUpStats {
  date_from: string
  date_to: string
  tasks_due: number
  tasks_done: number
  completion_rate: number | null
  on_time_rate: number | null
  timing: { early: number; on_time: number; late: number }
  overdue_in_period: number
  overdue_total: number
  overdue_by_department: { name?: string; department?: string; count?: number; overdue?: number }[]
}
export const fetchFollowUpStats = () => http.get<FollowUpStats>(`${F}/stats/`)
