/** Open an account: roster details → SMS code → code + password → logged in. */
import { computed, onBeforeUnmount, reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRouter } from 'vue-router'
import { showDialog } from 'vant'
import { errorMessage } from '@/api/errors'
import { bindAccount, requestBindCode } from '@/api/portal'
import { useSessionStore } from '@/shared/stores/session'

export function useBind() {
  const { t, te } = useI18n()
  const session = useSessionStore()
  const router = useRouter()
  const form = reactive({ name: '', id_number: '', phone: '', code: '', password: '', password2: '' })
  const sending = ref(false)
  const submitting = ref(false)
  const error = ref('')
  const notice = ref('')
  const wait = ref(0)
  let timer: number | undefined

  const canSend = computed(() => wait.value === 0 && !sending.value)

  function countdown(seconds: number): void {
    wait.value = seconds
    window.clearInterval(timer)
    timer = window.setInterval(() => {
      wait.value = Math.max(0, wait.value - 1)
      if (wait.value === 0) window.clearInterval(timer)
    }, 1000)
  }
  onBeforeUnmount(() => window.clearInterval(timer))

  const identity = () => ({ name: form.name.trim(), id_number: form.id_number.trim().toUpperCase(), phone: form.phone.trim() })

  async function sendCode(): Promise<void> {
    error.value = ''
    notice.value = ''
    sending.value = true
    try {
      const sent = await requestBindCode(identity())
      notice.value = t('pt.bind.codeSent', { count: Math.round(sent.expires_in / 60) })
      countdown(sent.resend_after)
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      sending.value = false
    }
  }

  async function submit(): Promise<void> {
    error.value = ''
    submitting.value = true
    try {
      const me = await bindAccount({ ...identity(), code: form.code.trim(), password: form.password })
      session.$patch({ me, checked: true })
      await showDialog({ title: t('pt.bind.done'), message: t('pt.bind.yourUsername', { name: me.username }), confirmButtonText: t('common.confirm') })
      await router.replace({ name: 'exams' })
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      submitting.value = false
    }
  }

  return { form, sending, submitting, error, notice, wait, canSend, sendCode, submit }
}
