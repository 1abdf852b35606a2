/**
 * UI preferences only (language, large text). Never credentials: the session lives in an
 * HttpOnly cookie. Storage can be unavailable (private mode, some in-app browsers), so every
 * access is guarded and a preference simply falls back to its default.
 */
const PREFIX = 'healthloop.'

export function loadPreference(key: string): string | null {
  try {
    return window.localStorage.getItem(PREFIX + key)
  } catch {
    return null
  }
}

export function savePreference(key: string, value: string): void {
  try {
    window.localStorage.setItem(PREFIX + key, value)
  } catch {
    // Not persisted: the preference still applies to this page.
  }
}
