import zhCN from './zh-CN'
import en from './en'

export const messages = { 'zh-CN': zhCN, en }
export type Locale = keyof typeof messages
export const LOCALES: Locale[] = ['zh-CN', 'en']
export const DEFAULT_LOCALE: Locale = 'zh-CN'
