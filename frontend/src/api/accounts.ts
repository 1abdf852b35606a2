import { http } from './http'
import type { LoginRequest, Me } from './types'

export const fetchCsrf = () => http.get<{ csrfToken: string }>('/api/v1/accounts/csrf/')
export const login = (body: LoginRequest) => http.post<Me>('/api/v1/accounts/login/', body)
export const logout = () => http.post<void>('/api/v1/accounts/logout/')
export const fetchMe = () => http.get<Me>('/api/v1/accounts/me/')
