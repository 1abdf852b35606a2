import { createRouter, createWebHistory, type Router } from 'vue-router'
import { setUnauthenticatedHandler } from '@/api/http'
import { useRecordsStore } from '@/shared/stores/records'
import { useSessionStore } from '@/shared/stores/session'
// The first screen of every visit is in the entry chunk: no second round trip before it shows.
import LoginScreen from './screens/login/LoginScreen.vue'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    permission?: string | string[]
  }
}

export function createPortalRouter(): Router {
  const router = createRouter({
    history: createWebHistory('/h5/'),
    scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
    routes: [
      { path: '/login', name: 'login', component: LoginScreen, meta: { public: true } },
      { path: '/', name: 'exams', component: () => import('./screens/exams/ExamsScreen.vue') },
      { path: '/exams/:uuid', name: 'exam', component: () => import('./screens/exam/ExamScreen.vue'), props: true },
      { path: '/trend/:code', name: 'trend', component: () => import('./screens/trend/TrendScreen.vue'), props: true },
      { path: '/me', name: 'me', component: () => import('./screens/me/MeScreen.vue') },
      { path: '/bind', name: 'bind', component: () => import('./screens/bind/BindScreen.vue'), meta: { public: true } },
      { path: '/risk', name: 'risk', component: () => import('./screens/risk/RiskScreen.vue') },
      { path: '/messages', name: 'messages', component: () => import('./screens/messages/MessagesScreen.vue') },
      { path: '/questionnaires', name: 'questionnaires', component: () => import('./screens/questionnaires/QuestionnairesScreen.vue') },
      { path: '/questionnaires/:code', name: 'questionnaire', component: () => import('./screens/questionnaire/QuestionnaireScreen.vue'), props: true },
      { path: '/followups', name: 'followups', component: () => import('./screens/followups/FollowUpsScreen.vue') },
      { path: '/access-log', name: 'access-log', component: () => import('./screens/access/AccessScreen.vue') },
      { path: '/:pathMatch(.*)*', redirect: '/' },
    ],
  })

  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    const me = await useSessionStore().ensureLoaded()
    if (!me) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
    return true
  })

  setUnauthenticatedHandler(() => {
    const session = useSessionStore()
    if (!session.me) return
    session.forget()
    useRecordsStore().$reset()
    const here = router.currentRoute.value
    if (!here.meta.public) void router.push({ name: 'login', query: { next: here.fullPath } })
  })

  return router
}
