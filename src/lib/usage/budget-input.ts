// Apart from budget.ts: only Settings reads typed budgets, and Settings is loaded lazily.

/**
 * Reads a budget typed in Settings: blank means no budget; otherwise a positive
 * amount of dollars (a comma as decimal separator is accepted). Anything else
 * is `'invalid'`.
 */
export function parseBudget(text: string): number | null | 'invalid' {
  const trimmed = text.trim().replace(/^\$/, '').trim()
  if (!trimmed)
    return null
  if (!/^\d+(?:[.,]\d+)?$/.test(trimmed))
    return 'invalid'
  const value = Number(trimmed.replace(',', '.'))
  return value > 0 && value <= 1_000_000_000 ? value : 'invalid'
}
