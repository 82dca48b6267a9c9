import type { UsageEntry } from './entries'
import type { UsageTotals } from './totals'
import { addEntry, emptyTotals, filterEntries } from './totals'

export interface DayTotals extends UsageTotals { day: string }
export interface ModelTotals extends UsageTotals { model: string }
export interface ConversationTotals extends UsageTotals { conversationId: string, title: string }

/** Totals per key, in the order each key first appears. */
export function totalsBy(entries: Iterable<UsageEntry>, keyOf: (entry: UsageEntry) => string): Map<string, UsageTotals> {
  const groups = new Map<string, UsageTotals>()
  for (const entry of entries) {
    const key = keyOf(entry)
    let totals = groups.get(key)
    if (!totals)
      groups.set(key, totals = emptyTotals())
    addEntry(totals, entry)
  }
  return groups
}

/** The local calendar day of a moment, as `YYYY-MM-DD` (sorts as text). */
export function dayKey(ms: number): string {
  const date = new Date(ms)
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

/** The start (local midnight) of the day `daysAgo` days before the day of `now`. */
export function startOfDay(now: number, daysAgo = 0): number {
  const date = new Date(now)
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() - daysAgo).getTime()
}

/**
 * Totals for each of the last `days` days up to and including today, oldest
 * first; days without answers are there with zeros, so a chart has no gaps.
 */
export function dailyTotals(entries: Iterable<UsageEntry>, days: number, now: number): DayTotals[] {
  const byDay = totalsBy(filterEntries(entries, startOfDay(now, days - 1), startOfDay(now, -1) - 1), e => dayKey(e.at))
  return Array.from({ length: days }, (_, i) => {
    const day = dayKey(startOfDay(now, days - 1 - i))
    return { day, ...(byDay.get(day) ?? emptyTotals()) }
  })
}

/** Totals per model, most expensive first (then most tokens). */
export function modelTotals(entries: Iterable<UsageEntry>): ModelTotals[] {
  return [...totalsBy(entries, e => e.model)].map(([model, totals]) => ({ model, ...totals })).sort(byCostThenTokens)
}

/** Totals per conversation, most expensive first (then most tokens). */
export function conversationTotals(entries: Iterable<UsageEntry>): ConversationTotals[] {
  const titles = new Map<string, string>()
  const groups = totalsBy(entries, (e) => {
    titles.set(e.conversationId, e.conversationTitle)
    return e.conversationId
  })
  return [...groups].map(([conversationId, totals]) => ({ conversationId, title: titles.get(conversationId) ?? '', ...totals })).sort(byCostThenTokens)
}

function byCostThenTokens(a: UsageTotals, b: UsageTotals): number {
  return b.costMicros - a.costMicros || (b.inputTokens + b.outputTokens) - (a.inputTokens + a.outputTokens)
}

function pad(n: number): string {
  return String(n).padStart(2, '0')
}
