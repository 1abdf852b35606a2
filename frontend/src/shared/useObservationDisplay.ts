/** How a result reads on screen, in the current language: value, unit, range, flag, names. */
import { useI18n } from 'vue-i18n'
import type { Observation } from '@/api/types'
import { explainFlag, flagArrow, isAbnormal } from './flags'
import { displayUnit, formatRange } from './format'
import { useRecordsStore } from './stores/records'

export function useObservationDisplay() {
  const { t, te, locale } = useI18n()
  const records = useRecordsStore()

  const valueText = (obs: Observation): string =>
    obs.value_code ? records.answerName(obs.item_code, obs.value_code, locale.value) : obs.value || obs.value_text || ''
  const unitText = (obs: Pick<Observation, 'unit'>): string => displayUnit(obs.unit, locale.value)
  const rangeText = (obs: Pick<Observation, 'ref_low' | 'ref_high' | 'ref_text'>): string =>
    formatRange(obs.ref_low, obs.ref_high) || obs.ref_text || ''
  const itemName = (obs: Pick<Observation, 'item_code' | 'item_name' | 'code'>): string =>
    records.itemName(obs.item_code, obs.item_name || obs.code || '', locale.value)
  const categoryName = (category: string | undefined): string =>
    category && te(`category.${category}`) ? t(`category.${category}`) : category || t('category.other')
  const flagLabel = (flag: string | undefined): string => {
    const key = flag ? `flag.label.${flag}` : 'flag.label.none'
    const label = te(key) ? t(key) : flag || ''
    return isAbnormal(flag) ? `${flagArrow(flag)} ${label}` : label
  }
  const explanation = (obs: Observation): string => explainFlag(obs, t, unitText(obs))

  return { valueText, unitText, rangeText, itemName, categoryName, flagLabel, explanation, isAbnormal }
}
