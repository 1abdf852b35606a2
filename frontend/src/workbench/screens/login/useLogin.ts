import { reactive, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useRoute, useRouter } from 'vue-router'
import { errorMessage } from '@/api/errors'
import { safeNext } from '@/shared/navigation'
import { useSessionStore } from '@/shared/stores/session'
import { PORTAL_URL } from '../../router'

export function useLogin() {
  const { t, te } = useI18n()
  const session = useSessionStore()
  const router = useRouter()
  const route = useRoute()

  const form = reactive({ username: '', password: '' })
  const submitting = ref(false)
  const error = ref('')

  async function submit(): Promise<void> {
    error.value = ''
    submitting.value = true
    try {
      const me = await session.login({ username: form.username.trim(), password: form.password })
      if (me.role === 'employee') {
        window.location.assign(PORTAL_URL)
        return
      }
      await router.replace(safeNext(route.query.next))
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
      form.password = ''
    } finally {
      submitting.value = false
    }
  }

  return { form, submitting, error, submit }
}
