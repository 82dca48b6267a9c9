import type { Micros } from './cost'
import type { UsageEntry } from './entries'

// What the chat itself needs (the budget check, a conversation's total) lives
// here; the breakdowns of the Usage page are in breakdown.ts, loaded with it.

/** Usage added up over some answers. */
export interface UsageTotals {
  /** The cost of the answers that have one; see `unpriced`. */
  costMicros: Micros
  inputTokens: number
  outputTokens: number
  answers: number
  /** How many of the answers have estimated token counts. */
  estimated: number
  /** How many of the answers have no cost (no reported cost, no price): `costMicros` leaves them out. */
  unpriced: number
}

/** Totals of nothing. */
export function emptyTotals(): UsageTotals {
  return { costMicros: 0, inputTokens: 0, outputTokens: 0, answers: 0, estimated: 0, unpriced: 0 }
}

/** Adds one answer to `totals` (in place, and returns it). */
export function addEntry(totals: UsageTotals, entry: UsageEntry): UsageTotals {
  totals.costMicros += entry.costMicros ?? 0
  totals.inputTokens += entry.inputTokens
  totals.outputTokens += entry.outputTokens
  totals.answers++
  if (entry.estimated)
    totals.estimated++
  if (entry.costMicros === null)
    totals.unpriced++
  return totals
}

/** The totals of all `entries`. */
export function sumEntries(entries: Iterable<UsageEntry>): UsageTotals {
  const totals = emptyTotals()
  for (const entry of entries)
    addEntry(totals, entry)
  return totals
}

/** The entries with `from <= at <= to`. */
export function* filterEntries(entries: Iterable<UsageEntry>, from: number, to: number): Generator<UsageEntry> {
  for (const entry of entries) {
    if (entry.at >= from && entry.at <= to)
      yield entry
  }
}

/**
 * The cost of the answers of the month of `now` (local calendar). The whole
 * month, not only up to `now`: after a clock change, an answer dated a little
 * ahead still counts.
 */
export function monthToDateMicros(entries: Iterable<UsageEntry>, now: number): Micros {
  const date = new Date(now)
  const start = new Date(date.getFullYear(), date.getMonth(), 1).getTime()
  const end = new Date(date.getFullYear(), date.getMonth() + 1, 1).getTime() - 1
  return sumEntries(filterEntries(entries, start, end)).costMicros
}
