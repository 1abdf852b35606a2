/** UI preferences domain: language and the portal's large-text mode, kept in localStorage. */
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { Locale } from '@/locales'
import { currentLocale, setLocale } from '../i18n'
import { loadPreference, savePreference } from '../storage'

export const LARGE_TEXT_CLASS = 'hl-large-text'

export const usePrefsStore = defineStore('prefs', () => {
  const locale = ref<Locale>(currentLocale())
  const largeText = ref(loadPreference('largeText') === '1')

  function applyLargeText(on: boolean): void {
    document.documentElement.classList.toggle(LARGE_TEXT_CLASS, on)
  }
  applyLargeText(largeText.value)

  watch(largeText, (on) => {
    savePreference('largeText', on ? '1' : '0')
    applyLargeText(on)
  })
  watch(locale, (value) => setLocale(value))

  const toggleLargeText = () => {
    largeText.value = !largeText.value
  }

  return { locale, largeText, toggleLargeText }
})
