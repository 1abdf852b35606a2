import { createI18n } from 'vue-i18n'
import { describe, expect, it } from 'vitest'
import { messages } from '.'

function keys(tree: object, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )
}

describe('locales', () => {
  const zh = keys(messages['zh-CN'])

  it('English has exactly the keys of Chinese', () => {
    expect(keys(messages.en).sort()).toEqual([...zh].sort())
  })

  it('has no empty message', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const i18n = createI18n({ legacy: false, locale, messages })
      for (const key of zh) expect(i18n.global.t(key, { count: 1, name: 'x', year: 1, age: 1, high: 1, low: 1, range: 'r', total: 1, abnormal: 1, kind: 'k', date: 'd' }), key).not.toBe('')
    }
  })

  it('every message compiles (no stray special characters)', () => {
    const i18n = createI18n({ legacy: false, locale: 'zh-CN', messages, warnHtmlMessage: false })
    const errors: string[] = []
    for (const locale of ['zh-CN', 'en'] as const) {
      i18n.global.locale.value = locale
      for (const key of zh) {
        try {
          i18n.global.t(key, {})
        } catch (error) {
          errors.push(`${locale}:${key}: ${String(error)}`)
        }
      }
    }
    expect(errors).toEqual([])
  })
})
