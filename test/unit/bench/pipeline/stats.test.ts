import { describe, expect, it } from 'vitest';
import { latencySummary, megabytes, percentile } from '#bench/pipeline/stats.ts';

describe('percentile', () => {
  it('when asked for p50 and p99 of 1..100, then the nearest ranks 50 and 99 come back', () => {
    // Prepare
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    // Act / Assess
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
  });

  it('when there are no values, then the percentile is NaN', () => {
    expect(percentile([], 99)).toBeNaN();
  });
});

describe('latencySummary', () => {
  it('when summarised, then the number of samples comes with p50, p99 and max', () => {
    // Prepare
    const values = [1.04, 2, 3, 250.26];
    // Act
    const summary = latencySummary(values);
    // Assess
    expect(summary).toEqual({ samples: 4, p50: 2, p99: 250.3, max: 250.3 });
  });
});

describe('megabytes', () => {
  it('when given bytes, then MB of 2^20 bytes with one decimal come back', () => {
    expect(megabytes(150 * 2 ** 20 + 2 ** 19)).toBe(150.5);
  });
});
