import { createApp, watch } from 'vue'
import { createPinia } from 'pinia'
import { Locale } from 'vant'
import vantEn from 'vant/es/locale/lang/en-US'
import vantZh from 'vant/es/locale/lang/zh-CN'
import 'vant/es/style/base.css'
import 'vant/es/toast/style'
import 'vant/es/dialog/style'
import { i18n } from '@/shared/i18n'
import App from './App.vue'
import { createPortalRouter } from './router'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(createPortalRouter())

watch(
  i18n.global.locale,
  (locale) => (locale === 'en' ? Locale.use('en-US', vantEn) : Locale.use('zh-CN', vantZh)),
  { immediate: true },
)

app.mount('#app')
