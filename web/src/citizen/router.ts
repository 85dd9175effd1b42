// The citizen portal's public URL paths (Django serves web/citizen.html for each of them; the
// staff console keeps /console/..., and /console/citizen redirects to /):
//
//   /                   report a problem: where (the district's map with reports already made
//                       nearby, "me too"), what, who
//   /follow             follow a case by its number and the last four digits of the phone
//   /follow/<number>    one case's public page (the link the SMS sends; asks for the phone digits)
//   /rate?token=...     the rating link of the closing SMS (rates without typing anything)
//
// Any other path shows the report page.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'

export const CITIZEN_PATHS = ['/', '/follow', '/follow/:number', '/rate'] as const

const follow = () => import('./views/FollowView.vue')

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'report', component: () => import('./views/ReportView.vue') },
  { path: '/follow', name: 'follow', component: follow },
  { path: '/follow/:number', name: 'case', component: follow, props: true },
  { path: '/rate', name: 'rate', component: follow },
  { path: '/:rest(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHistory('/'), routes })
