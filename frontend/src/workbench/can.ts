/** `v-can="'people.search_persons'"`: hide an element the user's role may not use. */
import type { Directive } from 'vue'
import { useSessionStore } from '@/shared/stores/session'

function apply(el: HTMLElement, needed: string | string[] | undefined): void {
  el.style.display = useSessionStore().can(needed) ? '' : 'none'
}

export const vCan: Directive<HTMLElement, string | string[] | undefined> = {
  mounted: (el, binding) => apply(el, binding.value),
  updated: (el, binding) => apply(el, binding.value),
}
