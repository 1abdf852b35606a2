/** "My health": current risk levels per disease and model results, from the portal API. */
import { onMounted, ref, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { errorMessage } from '@/api/errors'
import { fetchMyRisk, type MyRisk } from '@/api/portal'

export const COLOUR_ORDER: Record<string, number> = { red: 0, orange: 1, yellow: 2, green: 3 }

/** The basis lines worth showing a person: not the label again, not the model's code name. */
export function plainBasis(basis: unknown[], label: string): string[] {
  return basis
    .map((line) => String(line))
    .filter((line) => line !== label && !/^[a-z][a-z0-9_]*[：:]/.test(line))
}

export function useRisk() {
  const { t, te } = useI18n()
  const risk = shallowRef<MyRisk | null>(null)
  const loading = ref(false)
  const error = ref('')

  async function load(): Promise<void> {
    loading.value = true
    error.value = ''
    try {
      const data = await fetchMyRisk()
      data.levels.sort((a, b) => (COLOUR_ORDER[a.colour] ?? 9) - (COLOUR_ORDER[b.colour] ?? 9))
      risk.value = data
    } catch (cause) {
      error.value = errorMessage(cause, t, te)
    } finally {
      loading.value = false
    }
  }

  onMounted(load)
  return { risk, loading, error, load }
}
