import { createRouter, createWebHistory, type Router } from 'vue-router'
import { setUnauthenticatedHandler } from '@/api/http'
import { Perm } from '@/shared/permissions'
import { useRecordsStore } from '@/shared/stores/records'
import { useSessionStore } from '@/shared/stores/session'
// The first screen of every visit is in the entry chunk: no second round trip before it shows.
import LoginScreen from './screens/login/LoginScreen.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session (the log-in page). */
    public?: boolean
    /** Permissions the user must hold (see shared/permissions.ts). */
    permission?: string | string[]
  }
}

export const PORTAL_URL = '/h5/'

export function createWorkbenchRouter(): Router {
  const router = createRouter({
    history: createWebHistory('/'),
    routes: [
      {
        path: '/login',
        name: 'login',
        component: LoginScreen,
        meta: { public: true },
      },
      {
        path: '/',
        component: () => import('./layout/WorkbenchLayout.vue'),
        children: [
          { path: '', name: 'home', component: () => import('./screens/home/HomeScreen.vue') },
          {
            path: 'persons',
            name: 'persons',
            component: () => import('./screens/persons/PersonSearchScreen.vue'),
            meta: { permission: Perm.searchPersons },
          },
          {
            path: 'persons/:uuid',
            name: 'person',
            component: () => import('./screens/person/PersonScreen.vue'),
            meta: { permission: [Perm.viewPerson, Perm.viewRecord] },
            props: true,
          },
          {
            path: 'alerts',
            name: 'alerts',
            component: () => import('./screens/alerts/AlertsScreen.vue'),
            meta: { permission: Perm.viewAlerts },
          },
          {
            path: 'followup',
            name: 'followup',
            component: () => import('./screens/followup/FollowUpScreen.vue'),
            meta: { permission: Perm.viewFollowups },
          },
          {
            path: 'notifications',
            name: 'notifications',
            component: () => import('./screens/notifications/NotificationsScreen.vue'),
            meta: { permission: Perm.viewDeliveries },
          },
          {
            path: 'registers',
            name: 'registers',
            component: () => import('./screens/registers/RegistersScreen.vue'),
            meta: { permission: Perm.viewRecord },
          },
          {
            path: 'imports',
            name: 'imports',
            component: () => import('./screens/imports/ImportScreen.vue'),
            meta: { permission: Perm.importResults },
          },
          {
            path: 'rules',
            name: 'rules',
            component: () => import('./screens/rules/RulesScreen.vue'),
            meta: { permission: Perm.manageRules },
          },
          {
            path: 'rules/:code',
            name: 'rule',
            component: () => import('./screens/rules/RuleScreen.vue'),
            meta: { permission: Perm.manageRules },
            props: true,
          },
          {
            path: 'dashboard',
            name: 'dashboard',
            component: () => import('./screens/dashboard/DashboardScreen.vue'),
            meta: { permission: Perm.viewRecord },
          },
          {
            path: 'interfaces',
            name: 'interfaces',
            component: () => import('./screens/interfaces/InterfacesScreen.vue'),
            meta: { permission: Perm.manageInterfaces },
          },
          {
            path: 'system',
            name: 'system',
            component: () => import('./screens/admin/AdminScreen.vue'),
            meta: { permission: Perm.manageUsers },
          },
          {
            path: ':pathMatch(.*)*',
            name: 'not-found',
            component: () => import('./screens/not-found/NotFoundScreen.vue'),
          },
        ],
      },
    ],
  })

  router.beforeEach(async (to) => {
    const session = useSessionStore()
    if (to.meta.public) return true
    const me = await session.ensureLoaded()
    if (!me) return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } }
    if (me.role === 'employee') {
      // Employees use the H5 portal, not the staff workbench.
      window.location.assign(PORTAL_URL)
      return false
    }
    if (!session.can(to.meta.permission)) return { name: 'home' }
    return true
  })

  setUnauthenticatedHandler(() => {
    const session = useSessionStore()
    if (!session.me) return // not logged in yet: the guard already handles it
    session.forget()
    useRecordsStore().$reset()
    const here = router.currentRoute.value
    if (!here.meta.public) void router.push({ name: 'login', query: { next: here.fullPath } })
  })

  return router
}
