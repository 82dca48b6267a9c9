import type { UsageEntry } from '../../src/lib/usage/entries'
import { describe, expect, it } from 'vitest'
import { conversationTotals, dailyTotals, dayKey, modelTotals } from '../../src/lib/usage/breakdown'
import { budgetState } from '../../src/lib/usage/budget'
import { parseBudget } from '../../src/lib/usage/budget-input'
import { monthToDateMicros } from '../../src/lib/usage/totals'

// Local times: days and months are the user's, not UTC's.
const at = (month: number, day: number, hour = 12) => new Date(2025, month - 1, day, hour).getTime()

let next = 0
function entry(fields: Partial<UsageEntry>): UsageEntry {
  next++
  return { conversationId: 'c1', conversationTitle: 'One', messageId: `m${next}`, model: 'gpt-4.1', at: at(3, 10), inputTokens: 100, outputTokens: 50, costMicros: 1000, estimated: false, ...fields }
}

describe('usage totals', () => {
  it('adds up each of the last days, with empty days as zeros, oldest first', () => {
    const entries = [
      entry({ at: at(3, 10, 1), costMicros: 100 }),
      entry({ at: at(3, 10, 23), costMicros: 200, estimated: true }),
      entry({ at: at(3, 8), costMicros: 50 }),
      entry({ at: at(3, 1), costMicros: 9999 }), // before the window
    ]
    const days = dailyTotals(entries, 3, at(3, 10, 15))
    expect(days.map(d => [d.day, d.costMicros, d.answers])).toEqual([['2025-03-08', 50, 1], ['2025-03-09', 0, 0], ['2025-03-10', 300, 2]])
    expect(days[2]).toMatchObject({ inputTokens: 200, outputTokens: 100, estimated: 1 })
  })

  it('counts a day by the local calendar across a month boundary', () => {
    expect(dayKey(at(3, 1, 0))).toBe('2025-03-01')
    expect(dailyTotals([], 3, at(3, 1)).map(d => d.day)).toEqual(['2025-02-27', '2025-02-28', '2025-03-01'])
  })

  it('ranks models and conversations by cost, then by tokens', () => {
    const entries = [
      entry({ model: 'cheap', costMicros: 10, conversationId: 'a', conversationTitle: 'A' }),
      entry({ model: 'dear', costMicros: 500, conversationId: 'b', conversationTitle: 'B' }),
      entry({ model: 'dear', costMicros: 500, conversationId: 'a', conversationTitle: 'A' }),
      entry({ model: 'demo', costMicros: null, inputTokens: 9999, conversationId: 'c', conversationTitle: 'C' }),
    ]
    expect(modelTotals(entries).map(m => [m.model, m.costMicros, m.unpriced])).toEqual([['dear', 1000, 0], ['cheap', 10, 0], ['demo', 0, 1]])
    expect(conversationTotals(entries).map(c => [c.title, c.costMicros, c.answers])).toEqual([['A', 510, 2], ['B', 500, 1], ['C', 0, 1]])
  })

  it('counts month-to-date spend from the first of this month on', () => {
    const entries = [entry({ at: at(2, 28, 23), costMicros: 7 }), entry({ at: at(3, 1, 0), costMicros: 100 }), entry({ at: at(3, 20), costMicros: 20 })]
    expect(monthToDateMicros(entries, at(3, 20, 13))).toBe(120)
  })
})

describe('the monthly budget', () => {
  it('is off without a budget, warns from 80 % and is exceeded once all is spent', () => {
    expect(budgetState(5_000_000, null).level).toBe('off')
    expect(budgetState(7_990_000, 10).level).toBe('ok')
    expect(budgetState(8_000_000, 10)).toEqual({ level: 'warning', spentMicros: 8_000_000, budgetMicros: 10_000_000, fraction: 0.8 })
    expect(budgetState(10_000_000, 10).level).toBe('exceeded')
    expect(budgetState(12_000_000, 10).fraction).toBeCloseTo(1.2)
  })

  it('reads a typed budget: blank is none, dollars with a point or comma, nothing else', () => {
    expect(parseBudget('  ')).toBeNull()
    expect(parseBudget('20')).toBe(20)
    expect(parseBudget('$12.50')).toBe(12.5)
    expect(parseBudget('12,5')).toBe(12.5)
    for (const bad of ['0', '-5', 'ten', '1e3', '1.2.3'])
      expect(parseBudget(bad)).toBe('invalid')
  })
})
