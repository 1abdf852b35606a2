/** Accounts domain: who is logged in. The session itself is an HttpOnly cookie. */
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as accounts from '@/api/accounts'
import { ApiError } from '@/api/errors'
import type { LoginRequest, Me } from '@/api/types'
import { can } from '../permissions'

/**
 * healthloop.web writes <meta name="healthloop-session" content="0|1"> into the page: whether
 * the browser sent a live session. Absent (vite dev server): unknown, ask the server.
 */
export function sessionHint(doc: Pick<Document, 'querySelector'> = document): boolean | null {
  const content = doc.querySelector<HTMLMetaElement>('meta[name="healthloop-session"]')?.content
  return content === '1' ? true : content === '0' ? false : null
}

export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const checked = ref(false)

  const isAuthenticated = computed(() => me.value !== null)

  /** Ask the server once per page load whether the session cookie is still good. */
  async function ensureLoaded(): Promise<Me | null> {
    if (checked.value) return me.value
    if (sessionHint() === false) {
      checked.value = true
      return null
    }
    try {
      me.value = await accounts.fetchMe()
    } catch (error) {
      if (!(error instanceof ApiError && (error.isUnauthenticated || error.status === 403))) throw error
      me.value = null
    }
    checked.value = true
    return me.value
  }

  async function login(credentials: LoginRequest): Promise<Me> {
    me.value = await accounts.login(credentials)
    checked.value = true
    return me.value
  }

  async function logout(): Promise<void> {
    try {
      await accounts.logout()
    } finally {
      forget()
    }
  }

  /** The session is gone (expired or logged out elsewhere). */
  function forget(): void {
    me.value = null
    checked.value = true
  }

  return { me, checked, isAuthenticated, ensureLoaded, login, logout, forget, can: (perm?: string | string[]) => can(me.value, perm) }
})
