import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MetricsReading, startMetricsReporter } from '#bind-service/metrics.ts';

interface EmfDocument {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
  Service: string;
  BindsUp: number;
  Submitted: number;
  Throttled: number;
  UnknownOutcomes: number;
}

describe('EMF metrics reporter', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when counters grow between intervals, then each line carries the deltas and the binds gauge', () => {
    // Prepare
    const reading: MetricsReading = { bindsUp: 1, submitted: 10, throttled: 1, unknownOutcomes: 0 };
    const lines: string[] = [];
    const reporter = startMetricsReporter({
      namespace: 'SmsSender',
      service: 'bind',
      intervalMs: 60_000,
      read: () => ({ ...reading }),
      write: (line) => lines.push(line),
      now: () => 1_767_225_600_000,
    });
    // Act
    reading.submitted = 130;
    reading.throttled = 4;
    vi.advanceTimersByTime(60_000);
    reading.bindsUp = 0;
    reading.unknownOutcomes = 2;
    reporter.stop();
    // Assess
    const [first, last] = lines.map((line) => JSON.parse(line) as EmfDocument);
    expect(lines).toHaveLength(2);
    expect(first).toMatchObject({
      Service: 'bind',
      BindsUp: 1,
      Submitted: 120,
      Throttled: 3,
      UnknownOutcomes: 0,
    });
    expect(first?._aws.CloudWatchMetrics[0]?.Namespace).toBe('SmsSender');
    expect(first?._aws.CloudWatchMetrics[0]?.Metrics.map((metric) => metric.Name)).toEqual([
      'BindsUp',
      'Submitted',
      'Throttled',
      'UnknownOutcomes',
    ]);
    expect(last).toMatchObject({ BindsUp: 0, Submitted: 0, Throttled: 0, UnknownOutcomes: 2 });
  });

  it('when nothing happens for an interval, then a line is still written (silence means no task)', () => {
    // Prepare
    const lines: string[] = [];
    const reporter = startMetricsReporter({
      namespace: 'SmsSender',
      service: 'bind',
      intervalMs: 1_000,
      read: () => ({ bindsUp: 0, submitted: 0, throttled: 0, unknownOutcomes: 0 }),
      write: (line) => lines.push(line),
    });
    // Act
    vi.advanceTimersByTime(3_000);
    reporter.stop();
    // Assess
    expect(lines).toHaveLength(4);
  });
});
