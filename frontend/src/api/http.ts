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
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
}

/** The file name of a Content-Disposition header (RFC 6266 `filename*` first). */
export function dispositionFileName(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star?.[1]) {
    try {
      return decodeURIComponent(star[1].trim())
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/.exec(header)
  return plain?.[1]?.trim() || fallback
}

/**
 * GET a file (Excel export, error report) with the session and save it under the server's
 * name. Errors come back as ApiError like any other request, not as a page of JSON.
 */
export async function download(path: string, query?: Query, fallbackName = 'download'): Promise<string> {
  const response = await send('GET', buildUrl(path, query))
  if (!response.ok) {
    const error = parseApiError(response.status, await readJson(response), response.statusText)
    if (error.isUnauthenticated && onUnauthenticated) onUnauthenticated()
    throw error
  }
  const name = dispositionFileName(response.headers.get('Content-Disposition'), fallbackName)
  const url = URL.createObjectURL(await response.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.appendChild(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
  return name
}

/**
 * POST a multipart form with upload progress (fetch cannot report it): `onProgress` gets
 * 0–100 as the bytes leave the browser.
 */
export async function upload<T>(
  path: string,
  form: FormData,
  onProgress?: (percent: number) => void,
): Promise<T> {
  const token = await csrfToken()
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.withCredentials = true
    xhr.setRequestHeader('Accept', 'application/json')
    xhr.setRequestHeader('Accept-Language', acceptLanguage)
    xhr.setRequestHeader('X-CSRFToken', token)
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(Math.round((100 * event.loaded) / event.total))
    }
    xhr.onerror = () => reject(networkError(new Error('upload failed')))
    xhr.onload = () => {
      let data: unknown = null
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null
      } catch {
        data = null
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(data as T)
        return
      }
      const error = parseApiError(xhr.status, data, xhr.statusText)
      if (error.isUnauthenticated && onUnauthenticated) onUnauthenticated()
      reject(error)
    }
    xhr.send(form)
  })
}

export { ApiError }
