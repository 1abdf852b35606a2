/** Display formatting shared by both clients: numbers, ranges, units, dates. Pure functions. */

/** The server sends decimals as strings with 4 places ("139.0000"); show "139", "6.1". */
export function trimDecimal(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return ''
  const text = String(value).trim()
  if (!/^-?\d+(\.\d+)?$/.test(text)) return text
  if (!text.includes('.')) return text
  const trimmed = text.replace(/0+$/, '').replace(/\.$/, '')
  return trimmed === '-0' ? '0' : trimmed
}

export function toNumber(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null
  const number = typeof value === 'number' ? value : Number(value)
  return Number.isFinite(number) ? number : null
}

/**
 * A reference range as Chinese lab sheets print it: "90–139"; one-sided ranges as "≤5.19" or
 * "≥1" (the catalog stores "<5.2" as the closed "≤5.19", see records/catalog/exam_items.yaml).
 */
export function formatRange(
  low: string | number | null | undefined,
  high: string | number | null | undefined,
): string {
  const lo = trimDecimal(low)
  const hi = trimDecimal(high)
  if (lo && hi) return `${lo}–${hi}`
  if (hi) return `≤${hi}`
  if (lo) return `≥${lo}`
  return ''
}

const UNIT_NAMES: Record<string, string> = {
  'mm[Hg]': 'mmHg',
  '10*9/L': '×10⁹/L',
  '10*12/L': '×10¹²/L',
  '10*3/uL': '×10³/μL',
  '10*6/uL': '×10⁶/μL',
  '[IU]/L': 'IU/L',
  '[IU]/mL': 'IU/mL',
  'u[IU]/mL': 'μIU/mL',
  'm[IU]/mL': 'mIU/mL',
  'm[IU]/L': 'mIU/L',
  'k[IU]/L': 'kIU/L',
  'kg/m2': 'kg/m²',
  'mL/min/{1.73_m2}': 'mL/min/1.73m²',
  '/[HPF]': '/HP',
  '/min': '/min',
  '[pH]': '',
  '1': '',
  '{SD}': 'SD',
  '[ppth]': '‰',
  deg: '°',
}

/** Where Chinese reports print a unit differently. */
const UNIT_NAMES_ZH: Record<string, string> = {
  '/min': '次/分',
}

/** A UCUM unit as people read it: "mm[Hg]" → "mmHg", "10*9/L" → "×10⁹/L", "umol/L" → "μmol/L". */
export function displayUnit(ucum: string | null | undefined, locale = 'zh-CN'): string {
  if (!ucum) return ''
  const known = (locale === 'zh-CN' ? UNIT_NAMES_ZH[ucum] : undefined) ?? UNIT_NAMES[ucum]
  if (known !== undefined) return known
  return ucum
    .replace(/^u(?=[a-zA-Z])/, 'μ')
    .replace(/\/u(?=[a-zA-Z])/, '/μ')
    .replace(/\[([^\]]+)\]/g, '$1')
    .replace(/\{([^}]+)\}/g, '$1')
}

const TIME_ZONE = 'Asia/Shanghai' // the hospital's time zone (settings.TIME_ZONE)

// Building an Intl.DateTimeFormat is costly; tables format hundreds of dates: build it once.
let dateFormat: Intl.DateTimeFormat | null = null

function dateParts(iso: string): { year: string; month: string; day: string } | null {
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return null
  dateFormat ??= new Intl.DateTimeFormat('en-CA', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  })
  const parts = dateFormat.formatToParts(date)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return { year: get('year'), month: get('month'), day: get('day') }
}

/** "2025-05-10" in the hospital's time zone, whatever the browser's. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return ''
  const parts = dateParts(iso)
  return parts ? `${parts.year}-${parts.month}-${parts.day}` : ''
}

export function yearOf(iso: string): number | null {
  const parts = dateParts(iso)
  return parts ? Number(parts.year) : null
}

/** For the few places that build HTML strings (ECharts tooltips). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const dateTimeFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** "2025-05-10 09:30" in the hospital's time zone, whatever the browser's. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const parts = dateTimeFormat.formatToParts(date)
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? ''
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`
}
