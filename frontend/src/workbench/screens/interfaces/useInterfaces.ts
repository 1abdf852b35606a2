/** Interface monitoring: feed status and open alerts, the dead-letter list, reprocessing. */
import { onMounted, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { fetchFeeds, fetchHeldCodes, fetchMessage, fetchMessages, reprocessMessage } from '@/api/interop'
import type { FeedOverview, HeldCode, InboundMessage, InboundMessageDetail } from '@/api/types'

export function useInterfaces() {
  const { t, te } = useI18n()
  const overview = shallowRef<FeedOverview | null>(null)
  const messages = shallowRef<InboundMessage[]>([])
  const messageCount = ref(0)
  const page = ref(1)
  const status = ref('failed')
  const held = shallowRef<HeldCode[]>([])
  const detail = shallowRef<InboundMessageDetail | null>(null)
  const loading = ref(false)
  const error = ref('')
  const busy = ref('')

  async function loadMessages(next = page.value): Promise<void> {
    const result = await fetchMessages({ status: status.value, page: next, page_size: 20 })
    messages.value = result.results
    messageCount.value = result.count
    page.value = next
  }

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const [feeds, codes] = await Promise.all([fetchFeeds(), fetchHeldCodes(), loadMessages(1)])
      overview.value = feeds
      held.value = codes
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  async function open(message: InboundMessage): Promise<void> {
    try {
      detail.value = await fetchMessage(message.uuid)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    }
  }

  async function reprocess(message: InboundMessage): Promise<InboundMessage | null> {
    busy.value = message.uuid
    try {
      const result = await reprocessMessage(message.uuid)
      await load()
      return result
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
      return null
    } finally {
      busy.value = ''
    }
  }

  async function changeStatus(): Promise<void> {
    try {
      await loadMessages(1)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    }
  }

  onMounted(load)
  return { overview, messages, messageCount, page, status, held, detail, loading, error, busy, load, loadMessages, open, reprocess, changeStatus }
}
