import type { Micros } from './cost'
import type { UsageEntry } from './entries'
import { dayKey } from './breakdown'

export type CsvCell = string | number | boolean | null | undefined

// A spreadsheet runs a cell starting with one of these as a formula, so a
// conversation titled "=HYPERLINK(...)" would run in whoever opens the export.
const FORMULA_START = /^[=+\-@\t\r]/

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break,
 * with quotes doubled. Text that a spreadsheet would read as a formula gets a
 * leading single quote. Numbers are written as they are.
 */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined)
    return ''
  if (typeof value !== 'string')
    return String(value)
  const safe = FORMULA_START.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

/** Rows as CSV text, with CRLF line ends as RFC 4180 says. */
export function toCsv(rows: ReadonlyArray<readonly CsvCell[]>): string {
  return rows.map(row => row.map(csvCell).join(',')).join('\r\n').concat('\r\n')
}

/** The columns of {@link usageCsv}; stable names, so a spreadsheet built on them keeps working. */
export const USAGE_CSV_COLUMNS = ['date', 'time_utc', 'conversation', 'model', 'input_tokens', 'output_tokens', 'cost_usd', 'estimated'] as const

/**
 * One row per answer, oldest first: local day, UTC time, conversation title,
 * model, tokens, cost in dollars (empty when unknown) and whether the tokens
 * are estimates.
 */
export function usageCsv(entries: readonly UsageEntry[]): string {
  const rows = [...entries].sort((a, b) => a.at - b.at).map(entry => [
    dayKey(entry.at),
    new Date(entry.at).toISOString(),
    entry.conversationTitle,
    entry.model,
    entry.inputTokens,
    entry.outputTokens,
    entry.costMicros === null ? null : microsToDecimal(entry.costMicros),
    entry.estimated,
  ])
  return toCsv([USAGE_CSV_COLUMNS, ...rows])
}

/** Dollars as a plain decimal with six places, exact for any whole number of micro-dollars (for CSV). */
export function microsToDecimal(micros: Micros): string {
  const sign = micros < 0 ? '-' : ''
  const abs = Math.abs(Math.round(micros))
  return `${sign}${Math.trunc(abs / 1_000_000)}.${String(abs % 1_000_000).padStart(6, '0')}`
}
