import { createApp } from 'vue'
import { createPinia } from 'pinia'
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import { i18n } from '@/shared/i18n'
import App from './App.vue'
import { createWorkbenchRouter } from './router'
import { vCan } from './can'
import './styles.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(createWorkbenchRouter())
app.directive('can', vCan)
app.mount('#app')
