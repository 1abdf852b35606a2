/**
 * The one error type of the API layer. The server answers errors as
 * `{"error": message, "code": code, "field": field}` (healthloop/core/api.py); anything else
 * (a proxy's HTML page, a dropped connection) is mapped onto the same shape.
 */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly field: string | null

  constructor(status: number, code: string, message: string, field: string | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
  }

  /** No valid session: the client should show its log-in page. */
  get isUnauthenticated(): boolean {
    return this.status === 401 || this.code === 'not_authenticated'
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Turn a failed response (status and parsed body, if it was JSON) into an ApiError. */
export function parseApiError(status: number, body: unknown, statusText = ''): ApiError {
  if (isRecord(body) && typeof body.error === 'string') {
    const code = typeof body.code === 'string' && body.code ? body.code : `http_${status}`
    const field = typeof body.field === 'string' ? body.field : null
    return new ApiError(status, code, body.error, field)
  }
  if (isRecord(body) && typeof body.detail === 'string') {
    // DRF's own shape, should a view bypass the project's exception handler.
    return new ApiError(status, `http_${status}`, body.detail)
  }
  return new ApiError(status, `http_${status}`, statusText || `HTTP ${status}`)
}

export function networkError(cause: unknown): ApiError {
  const message = cause instanceof Error ? cause.message : String(cause)
  return new ApiError(0, 'network', message)
}

/**
 * The message to show a user: the translation of a known code when there is one, else the
 * server's own message (written in Chinese by the services), else a generic one.
 */
export function errorMessage(
  error: unknown,
  translate: (key: string) => string,
  hasTranslation: (key: string) => boolean,
): string {
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`
    if (hasTranslation(key)) return translate(key)
    if (error.message) return error.message
  }
  return translate('errors.unknown')
}
