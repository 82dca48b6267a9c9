// Percentiles and the stdout table of `npm run bench:ui`.

/** Linear interpolation between closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0)
    return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (sorted.length - 1) * p / 100
  const low = Math.floor(rank)
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low)
}

export const median = (values: readonly number[]) => percentile(values, 50)
export const max = (values: readonly number[]) => values.length ? Math.max(...values) : Number.NaN

export const fixed = (value: number | null | undefined, digits = 1) => value === null || value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits)

/** A Markdown table: the first column left-aligned, the others right-aligned. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)))
  const line = (cells: string[]) => `| ${cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(' | ')} |`
  const rule = `|${widths.map((w, i) => i === 0 ? `${'-'.repeat(w + 2)}` : `${'-'.repeat(w + 1)}:`).join('|')}|`
  return [line(head), rule, ...rows.map(line)].join('\n')
}
