import type { Usage } from '../../../relay/protocol'

/**
 * Money in integer micro-dollars (1 USD = 1,000,000). A price in USD per 1M
 * tokens times a token count is already micro-dollars, and sums of integers do
 * not drift the way sums of small floating-point dollars do.
 */
export type Micros = number

/** A model's price in USD per 1M tokens, as the relay's `GET /v1/models` lists it. */
export interface Pricing {
  input: number
  output: number
}

/** Prices by model id. Models without a price are simply absent. */
export type PricingTable = Readonly<Record<string, Pricing>>

/**
 * Usage as stored on an answer. A relay may add the cost it computed with the
 * operator's prices (`costUsd`) and say when its token counts are estimates
 * (`estimated`); both are optional and read defensively because the records
 * outlive any one relay version.
 */
export type ReportedUsage = Usage & { costUsd?: unknown, estimated?: unknown }

/**
 * The cost of an answer's tokens, rounded once to whole micro-dollars.
 *
 * @example tokenCostMicros({ input: 500, output: 300 }, { input: 0.42, output: 0.42 }) // 336
 */
export function tokenCostMicros(tokens: { input: number, output: number }, pricing: Pricing): Micros {
  return Math.round(tokens.input * pricing.input + tokens.output * pricing.output)
}

/** The cost the relay reported with the usage, if it did and it is a sane amount. */
export function reportedCostMicros(usage: ReportedUsage | undefined): Micros | undefined {
  const cost = usage?.costUsd
  return typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? Math.round(cost * 1_000_000) : undefined
}

/**
 * Dollars for people, in their locale. Cents hide the cost of a single cheap
 * answer, so amounts under a cent keep two significant digits.
 */
export function formatUsd(micros: Micros, locale: string): string {
  const usd = micros / 1_000_000
  const small = usd !== 0 && Math.abs(usd) < 0.01
  const options: Intl.NumberFormatOptions = small
    ? { style: 'currency', currency: 'USD', maximumSignificantDigits: 2 }
    : { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: Math.abs(usd) < 1 ? 4 : 2 }
  return new Intl.NumberFormat(locale, options).format(usd)
}

/** Prices by model from a `GET /v1/models` list; entries without a usable price are left out. */
export function pricingTable(models: ReadonlyArray<{ id: string, pricing?: Pricing }>): Record<string, Pricing> {
  const table: Record<string, Pricing> = {}
  for (const { id, pricing } of models) {
    if (isPricing(pricing))
      table[id] = { input: pricing.input, output: pricing.output }
  }
  return table
}

/** True for `{ input, output }` with two finite, non-negative prices. */
export function isPricing(value: unknown): value is Pricing {
  if (typeof value !== 'object' || value === null)
    return false
  const { input, output } = value as Record<string, unknown>
  return [input, output].every(price => typeof price === 'number' && Number.isFinite(price) && price >= 0)
}
