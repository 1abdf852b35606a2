/**
 * Records domain: the exam-item catalog (names in English, coded answers, decimals) and the
 * timelines already fetched in this page, so that going back and forth between a list and a
 * detail does not fetch twice.
 */
import { defineStore } from 'pinia'
import { shallowRef } from 'vue'
import * as records from '@/api/records'
import type { ExamItem, ItemAnswer, TimelineEntry } from '@/api/types'

export interface TimelineState {
  entries: TimelineEntry[]
  count: number
  page: number
}

export const useRecordsStore = defineStore('records', () => {
  const catalog = shallowRef<Map<string, ExamItem> | null>(null)
  const timelines = shallowRef(new Map<string, TimelineState>())
  let catalogRequest: Promise<Map<string, ExamItem>> | null = null

  function loadCatalog(): Promise<Map<string, ExamItem>> {
    if (catalog.value) return Promise.resolve(catalog.value)
    catalogRequest ??= records
      .fetchCatalog()
      .then((items) => {
        catalog.value = new Map(items.map((item) => [item.code, item]))
        return catalog.value
      })
      .finally(() => {
        catalogRequest = null
      })
    return catalogRequest
  }

  function answerName(itemCode: string | undefined, valueCode: string, locale: string): string {
    const item = itemCode ? catalog.value?.get(itemCode) : undefined
    const answers = (Array.isArray(item?.answers) ? item.answers : []) as ItemAnswer[]
    const answer = answers.find((a) => a.code === valueCode)
    if (!answer) return valueCode
    return (locale === 'en' && answer.name_en) || answer.name_zh
  }

  function itemName(itemCode: string | undefined, fallback: string, locale: string): string {
    const item = itemCode ? catalog.value?.get(itemCode) : undefined
    return (locale === 'en' && item?.name_en) || fallback
  }

  async function loadTimeline(personUuid: string, { more = false } = {}): Promise<TimelineState> {
    const known = timelines.value.get(personUuid)
    if (known && !more) return known
    const page = known && more ? known.page + 1 : 1
    const result = await records.fetchTimeline(personUuid, page)
    const state: TimelineState = {
      entries: [...(more && known ? known.entries : []), ...result.results],
      count: result.count,
      page,
    }
    timelines.value = new Map(timelines.value).set(personUuid, state)
    return state
  }

  function $reset(): void {
    timelines.value = new Map()
  }

  return { catalog, timelines, loadCatalog, answerName, itemName, loadTimeline, $reset }
})
