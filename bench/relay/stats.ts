// Percentiles, shared by the load generator (per run) and the report (over runs).

/** Linear interpolation between closest ranks; NaN for no values. */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0)
    return Number.NaN
  const sorted = Float64Array.from(values).sort()
  const rank = (sorted.length - 1) * p / 100
  const low = Math.floor(rank)
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (rank - low)
}

export const median = (values: ArrayLike<number>) => percentile(values, 50)
