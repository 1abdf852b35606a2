/**
 * The only HTTP client of the web clients. Session cookie + CSRF token, as Django expects:
 * the session cookie is HttpOnly and never touched here; the CSRF token is read from its
 * cookie on every unsafe request (Django rotates it at log-in). No token is ever stored in
 * localStorage.
 */
import { ApiError, networkError, parseApiError } from './errors'

export type Query = Record<string, string | number | boolean | null | undefined>

const CSRF_COOKIE = 'csrftoken'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

let acceptLanguage = 'zh-hans'
let onUnauthenticated: (() => void) | null = null

/** The language the server should answer messages in (Django's LocaleMiddleware). */
export function setApiLanguage(language: string): void {
  acceptLanguage = language
}

/** Called once when any request finds the session gone (expired, logged out elsewhere). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler
}

export function readCookie(cookies: string, name: string): string | null {
  for (const part of cookies.split(';')) {
    const [key, ...rest] = part.trim().split('=')
    if (key === name) return decodeURIComponent(rest.join('='))
  }
  return null
}

export function buildUrl(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
  }
  const text = params.toString()
  return text ? `${path}?${text}` : path
}

async function csrfToken(): Promise<string> {
  let token = readCookie(document.cookie, CSRF_COOKIE)
  if (!token) {
    await send('GET', '/api/v1/accounts/csrf/')
    token = readCookie(document.cookie, CSRF_COOKIE)
  }
  return token ?? ''
}

async function send(method: string, url: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': acceptLanguage,
  }
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  if (!SAFE_METHODS.has(method)) headers['X-CSRFToken'] = await csrfToken()
  try {
    return await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch (cause) {
    throw networkError(cause)
  }
}

async function readJson(response: Response): Promise<unknown> {
  const type = response.headers.get('Content-Type') ?? ''
  if (!type.includes('json')) return null
  try {
    return await response.json()
  } catch {
    return null
  }
}

export async function request<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const response = await send(method, buildUrl(path, options.query), options.body)
  if (response.status === 204) return undefined as T
  const data = await readJson(response)
  if (!response.ok) {
    const error = parseApiError(response.status, data, response.statusText)
    if (error.isUnauthenticated && onUnauthenticated) onUnauthenticated()
    throw error
  }
  return data as T
}

export const http = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
}

export { ApiError }
