/** My inbox: notify's in-app messages, newest first; "I have read this" marks one read. */
import { onMounted, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { showToast } from 'vant'
import { askAboutAlert, fetchMessages, markMessageRead, type Message } from '@/api/portal'
import { useInboxStore } from '../../inbox'

export function useMessages() {
  const { t, te } = useI18n()
  const inbox = useInboxStore()
  const messages = ref<Message[]>([])
  const count = ref(0)
  const page = ref(1)
  const loading = ref(false)
  const error = ref('')

  async function load(more = false): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const next = more ? page.value + 1 : 1
      const data = await fetchMessages(next)
      messages.value = more ? [...messages.value, ...data.results] : data.results
      count.value = data.count
      inbox.unread = data.unread
      page.value = next
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  async function markRead(message: Message): Promise<void> {
    try {
      const read = await markMessageRead(message.uuid)
      messages.value = messages.value.map((m) => (m.uuid === read.uuid ? read : m))
      inbox.unread = Math.max(0, inbox.unread - 1)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    }
  }

  const asking = ref<Message | null>(null)
  const question = ref('')
  const sending = ref(false)
  const askError = ref('')

  function ask(message: Message): void {
    asking.value = message
    question.value = ''
    askError.value = ''
  }

  async function sendQuestion(): Promise<void> {
    const alert = asking.value?.alert
    if (!alert) return
    sending.value = true
    askError.value = ''
    try {
      await askAboutAlert(alert, question.value)
      asking.value = null
      showToast(t('pt.messages.askSent'))
    } catch (cause) {
      askError.value = errorMessage(cause, t, te)
    } finally {
      sending.value = false
    }
  }

  onMounted(() => load())
  return { messages, count, loading, error, load, markRead, asking, question, sending, askError, ask, sendQuestion }
}
