/** Portal inbox domain: the unread count shown on the tab bar, refreshed when it can change. */
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { fetchMessages } from '@/api/portal'

export const useInboxStore = defineStore('portalInbox', () => {
  const unread = ref(0)
  let loaded = false

  async function refresh(force = false): Promise<void> {
    if (loaded && !force) return
    loaded = true
    try {
      unread.value = (await fetchMessages()).unread
    } catch {
      loaded = false // shown again on the next screen; the inbox screen reports errors
    }
  }

  return { unread, refresh }
})
