import { useRouter } from 'vue-router'
import { useI18n } from 'vue-i18n'
import { showConfirmDialog } from 'vant'
import { useRecordsStore } from '@/shared/stores/records'
import { usePrefsStore } from '@/shared/stores/prefs'
import { useSessionStore } from '@/shared/stores/session'

export function useMe() {
  const { t } = useI18n()
  const session = useSessionStore()
  const prefs = usePrefsStore()
  const records = useRecordsStore()
  const router = useRouter()

  async function logout(): Promise<void> {
    const confirmed = await showConfirmDialog({
      message: t('portal.me.logoutConfirm'),
      confirmButtonText: t('common.confirm'),
      cancelButtonText: t('common.cancel'),
    })
      .then(() => true)
      .catch(() => false)
    if (!confirmed) return
    await session.logout().catch(() => undefined)
    records.$reset()
    await router.replace({ name: 'login' })
  }

  return { session, prefs, logout }
}
