/** The employee portal's endpoints (/api/v1/portal/): the logged-in person's own data only. */
import { http, request } from './http'
import type { components } from './schema'
import type { Me } from './types'

type Schemas = components['schemas']

export type BindCodeRequest = Schemas['PortalBindCodeRequestRequest']
export type BindRequest = Schemas['PortalBindRequest']
export type BindCodeSent = Schemas['PortalBindCodeSent']
export type MyRisk = Schemas['PortalMyRisk']
export type PortalRiskLevel = Schemas['PortalRiskLevel']
export type ModelResult = Schemas['PortalModelResult']
export type QuestionnaireSummary = Schemas['PortalQuestionnaireSummary']
export type Questionnaire = Schemas['PortalQuestionnaire']
export type QuestionnaireItem = Schemas['PortalItem']
export type LocalText = Schemas['PortalText']
export type Draft = Schemas['PortalDraft']
export type Submitted = Schemas['PortalSubmitted']
export type AccessEvent = Schemas['PortalAccessEvent']
export type AccessPage = Schemas['PortalAccessPage']
export type Message = Schemas['PortalMessage']
export type Inbox = Schemas['PortalInbox']
export type PortalAlert = Schemas['PortalAlert']
export type MyFollowUps = Schemas['PortalFollowUps']
export type UpcomingFollowUp = Schemas['PortalUpcomingFollowUp']
export type PastFollowUp = Schemas['PortalPastFollowUp']
export type Answers = Record<string, string | number>

const BASE = '/api/v1/portal'

export const requestBindCode = (body: BindCodeRequest) => http.post<BindCodeSent>(`${BASE}/bind/code/`, body)
export const bindAccount = (body: BindRequest) => http.post<Me>(`${BASE}/bind/`, body)
export const fetchMyRisk = () => http.get<MyRisk>(`${BASE}/risk/`)
export const fetchQuestionnaires = () => http.get<QuestionnaireSummary[]>(`${BASE}/questionnaires/`)
export const fetchQuestionnaire = (code: string) =>
  http.get<Questionnaire>(`${BASE}/questionnaires/${encodeURIComponent(code)}/`)
export const saveDraft = (code: string, answers: Answers, page: number) =>
  request<Draft>('PUT', `${BASE}/questionnaires/${encodeURIComponent(code)}/draft/`, { body: { answers, page } })
export const submitQuestionnaire = (code: string, answers: Answers) =>
  http.post<Submitted>(`${BASE}/questionnaires/${encodeURIComponent(code)}/submit/`, { answers })
export const fetchResponse = (uuid: string) =>
  http.get<Submitted>(`${BASE}/questionnaires/responses/${encodeURIComponent(uuid)}/`)
export const fetchMyFollowUps = () => http.get<MyFollowUps>(`${BASE}/followups/`)
export const fetchAccessLog = (page = 1) => http.get<AccessPage>(`${BASE}/access-log/`, { page })
export const fetchMessages = (page = 1) => http.get<Inbox>(`${BASE}/messages/`, { page })
export const markMessageRead = (uuid: string) =>
  http.post<Message>(`${BASE}/messages/${encodeURIComponent(uuid)}/read/`)
export const fetchMyAlerts = () => http.get<PortalAlert[]>(`${BASE}/alerts/`)
export const askAboutAlert = (uuid: string, question: string) =>
  http.post<void>(`${BASE}/alerts/${encodeURIComponent(uuid)}/questions/`, { question })
