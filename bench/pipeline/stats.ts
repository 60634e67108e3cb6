// The pipeline benchmark's pure arithmetic: percentiles, rounding, counter differences.

/** Counts added between two snapshots of the same counters. */
export function countsSince(
  after: Record<string, number>,
  before: Record<string, number>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, count]) => [key, count - (before[key] ?? 0)] as const)
      .filter(([, count]) => count > 0),
  );
}

/** Nearest-rank percentile of unsorted values (ms). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export interface LatencySummary {
  /** How many values the percentiles come from: a p99 of 30 samples is its second-largest value. */
  samples: number;
  p50: number;
  p99: number;
  max: number;
}

/** p50 / p99 / max (ms, one decimal) and the number of samples. */
export function latencySummary(values: readonly number[]): LatencySummary {
  return {
    samples: values.length,
    p50: round(percentile(values, 50)),
    p99: round(percentile(values, 99)),
    max: round(percentile(values, 100)),
  };
}

/** Bytes as MB (2^20), one decimal. */
export const megabytes = (bytes: number) => round(bytes / 2 ** 20);
