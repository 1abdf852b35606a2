import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { buildUrl, readCookie, request, setUnauthenticatedHandler } from './http'
import { ApiError } from './errors'

describe('readCookie', () => {
  it('finds one cookie among several', () => {
    expect(readCookie('sessionid=abc; csrftoken=t0k%3D; lang=zh', 'csrftoken')).toBe('t0k=')
    expect(readCookie('', 'csrftoken')).toBeNull()
  })
})

describe('buildUrl', () => {
  it('drops empty parameters', () => {
    expect(buildUrl('/api/v1/people/persons/', { q: '张', org_unit: '', status: undefined, page: 2 })).toBe(
      '/api/v1/people/persons/?q=%E5%BC%A0&page=2',
    )
    expect(buildUrl('/x/', {})).toBe('/x/')
  })
})

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })
}

describe('request', () => {
  const fetchMock = vi.fn<typeof fetch>()

  beforeEach(() => {
    vi.stubGlobal('fetch', fetchMock)
    vi.stubGlobal('document', { cookie: 'csrftoken=tok123' })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    fetchMock.mockReset()
    setUnauthenticatedHandler(null)
  })

  it('sends the CSRF token and the session cookie on writes, never a bearer token', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, { username: 'doctor1' }))
    await request('POST', '/api/v1/accounts/login/', { body: { username: 'doctor1', password: 'x' } })
    const [url, init] = fetchMock.mock.calls[0] ?? []
    const headers = init?.headers as Record<string, string>
    expect(url).toBe('/api/v1/accounts/login/')
    expect(init?.credentials).toBe('same-origin')
    expect(headers['X-CSRFToken']).toBe('tok123')
    expect(headers.Authorization).toBeUndefined()
    expect(init?.body).toBe('{"username":"doctor1","password":"x"}')
  })

  it('fetches the CSRF cookie first when it is missing', async () => {
    const doc = { cookie: '' }
    vi.stubGlobal('document', doc)
    fetchMock.mockImplementationOnce(async () => {
      doc.cookie = 'csrftoken=fresh'
      return jsonResponse(200, { csrfToken: 'fresh' })
    })
    fetchMock.mockResolvedValueOnce(new Response(null, { status: 204 }))
    await request('POST', '/api/v1/accounts/logout/')
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual(['/api/v1/accounts/csrf/', '/api/v1/accounts/logout/'])
    expect((fetchMock.mock.calls[1]?.[1]?.headers as Record<string, string>)['X-CSRFToken']).toBe('fresh')
  })

  it('does not send a CSRF header on reads', async () => {
    fetchMock.mockResolvedValue(jsonResponse(200, []))
    await request('GET', '/api/v1/people/org-units/tree/')
    expect((fetchMock.mock.calls[0]?.[1]?.headers as Record<string, string>)['X-CSRFToken']).toBeUndefined()
  })

  it('throws ApiError and reports a lost session', async () => {
    const lost = vi.fn()
    setUnauthenticatedHandler(lost)
    fetchMock.mockResolvedValue(jsonResponse(401, { error: 'no session', code: 'not_authenticated', field: null }))
    await expect(request('GET', '/api/v1/accounts/me/')).rejects.toMatchObject({ status: 401, code: 'not_authenticated' })
    expect(lost).toHaveBeenCalledOnce()
  })

  it('turns a network failure into ApiError("network")', async () => {
    fetchMock.mockRejectedValue(new TypeError('Failed to fetch'))
    const error = await request('GET', '/api/v1/accounts/me/').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect((error as ApiError).code).toBe('network')
  })
})

describe('dispositionFileName', () => {
  it('prefers the RFC 6266 UTF-8 name, then the plain one, then the fallback', async () => {
    const { dispositionFileName } = await import('./http')
    expect(dispositionFileName(`attachment; filename="x.csv"; filename*=UTF-8''%E5%AF%BC%E5%85%A5.csv`, 'f')).toBe('导入.csv')
    expect(dispositionFileName('attachment; filename="register.xlsx"', 'f')).toBe('register.xlsx')
    expect(dispositionFileName(null, 'fallback.csv')).toBe('fallback.csv')
    expect(dispositionFileName('attachment', 'fallback.csv')).toBe('fallback.csv')
  })
})
