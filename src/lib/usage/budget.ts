import type { Micros } from './cost'

/** `off`: no budget set; `warning`: 80 % or more spent; `exceeded`: all of it spent, so sending asks first. */
export type BudgetLevel = 'off' | 'ok' | 'warning' | 'exceeded'

export interface BudgetState {
  level: BudgetLevel
  spentMicros: Micros
  budgetMicros: Micros | null
  /** Spent over budget (1 = all of it); 0 without a budget. */
  fraction: number
}

/** Where the warning starts: early enough to change plans before the month runs out. */
export const BUDGET_WARNING_FRACTION = 0.8

/**
 * How this month's spend compares with the monthly budget. Spending all of it
 * counts as exceeded: the next answer would take it past 100 %.
 */
export function budgetState(spentMicros: Micros, budgetUsd: number | null): BudgetState {
  if (budgetUsd === null || !(budgetUsd > 0))
    return { level: 'off', spentMicros, budgetMicros: null, fraction: 0 }
  const budgetMicros = Math.round(budgetUsd * 1_000_000)
  const fraction = spentMicros / budgetMicros
  const level = fraction >= 1 ? 'exceeded' : fraction >= BUDGET_WARNING_FRACTION ? 'warning' : 'ok'
  return { level, spentMicros, budgetMicros, fraction }
}
