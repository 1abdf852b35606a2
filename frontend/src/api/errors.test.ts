import { describe, expect, it } from 'vitest'
import { ApiError, errorMessage, networkError, parseApiError } from './errors'

describe('parseApiError', () => {
  it('reads the project error shape', () => {
    const error = parseApiError(400, { error: '身份证号校验位错误：应为X', code: 'invalid_identity', field: 'id_number' })
    expect([error.status, error.code, error.message, error.field]).toEqual([
      400,
      'invalid_identity',
      '身份证号校验位错误：应为X',
      'id_number',
    ])
  })

  it('recognises an expired session', () => {
    const error = parseApiError(401, { error: '身份认证信息未提供。', code: 'not_authenticated', field: null })
    expect(error.isUnauthenticated).toBe(true)
    expect(parseApiError(404, { error: 'person not found', code: 'not_found', field: null }).isUnauthenticated).toBe(false)
  })

  it("reads DRF's own shape", () => {
    const error = parseApiError(403, { detail: 'Forbidden' })
    expect([error.code, error.message]).toEqual(['http_403', 'Forbidden'])
  })

  it('copes with a body that is not JSON', () => {
    const error = parseApiError(502, null, 'Bad Gateway')
    expect([error.code, error.message, error.field]).toEqual(['http_502', 'Bad Gateway', null])
    expect(parseApiError(500, 'oops').message).toBe('HTTP 500')
  })

  it('keeps an empty code from hiding the status', () => {
    expect(parseApiError(400, { error: 'x', code: '' }).code).toBe('http_400')
  })

  it('maps a failed fetch to a network error', () => {
    const error = networkError(new TypeError('Failed to fetch'))
    expect([error.status, error.code]).toEqual([0, 'network'])
  })
})

describe('errorMessage', () => {
  const known: Record<string, string> = { 'errors.not_found': '未找到', 'errors.unknown': '出错了' }
  const t = (key: string) => known[key] ?? key
  const te = (key: string) => key in known

  it('prefers the translation of a known code', () => {
    expect(errorMessage(new ApiError(404, 'not_found', 'person not found'), t, te)).toBe('未找到')
  })

  it("falls back to the server's message", () => {
    expect(errorMessage(new ApiError(400, 'invalid_identity', '身份证号无效'), t, te)).toBe('身份证号无效')
  })

  it('has a generic message for anything else', () => {
    expect(errorMessage(new Error('boom'), t, te)).toBe('出错了')
  })
})
