import { createI18n } from 'vue-i18n'
import { setApiLanguage } from '@/api/http'
import { DEFAULT_LOCALE, LOCALES, messages, type Locale } from '@/locales'
import { loadPreference, savePreference } from './storage'

function initialLocale(): Locale {
  const saved = loadPreference('locale')
  return LOCALES.includes(saved as Locale) ? (saved as Locale) : DEFAULT_LOCALE
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages,
})

function apply(locale: Locale): void {
  document.documentElement.lang = locale
  setApiLanguage(locale === 'en' ? 'en' : 'zh-hans')
}

apply(i18n.global.locale.value as Locale)

export function setLocale(locale: Locale): void {
  i18n.global.locale.value = locale
  savePreference('locale', locale)
  apply(locale)
}

export function currentLocale(): Locale {
  return i18n.global.locale.value as Locale
}
