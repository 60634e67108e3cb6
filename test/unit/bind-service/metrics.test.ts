import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MetricsReading, startMetricsReporter } from '#bind-service/metrics.ts';
import { createLogger } from '#core/observability/json-logger.ts';
import { captureLogs } from '#test/helpers/logs.ts';

// The EMF contract the CDK alarms read (docs/operations.md): namespace, one dimension set [Service],
// the four metric names in Count, their values at the top level of the line.
interface EmfDocument {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
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
    expect(first?._aws.Timestamp).toBe(1_767_225_600_000);
    expect(first?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'SmsSender',
        Dimensions: [['Service']],
        Metrics: [
          { Name: 'BindsUp', Unit: 'Count' },
          { Name: 'Submitted', Unit: 'Count' },
          { Name: 'Throttled', Unit: 'Count' },
          { Name: 'UnknownOutcomes', Unit: 'Count' },
        ],
      },
    ]);
    expect(Object.keys(first ?? {})).not.toContain('service');
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
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({ BindsUp: 0, Submitted: 0, Throttled: 0, UnknownOutcomes: 0 });
    }
  });

  it('when Powertools finds fault with a line (a timestamp out of range), then its warning is a JSON log line', () => {
    // Prepare
    const { lines: logs, write } = captureLogs();
    const lines: string[] = [];
    const reporter = startMetricsReporter({
      namespace: 'SmsSender',
      service: 'bind',
      intervalMs: 60_000,
      read: () => ({ bindsUp: 1, submitted: 0, throttled: 0, unknownOutcomes: 0 }),
      write: (line) => lines.push(line),
      now: () => 0,
      log: createLogger({ service: 'bind-service', write }),
    });
    // Act
    reporter.stop();
    // Assess
    expect(lines).toHaveLength(1);
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'warn',
        service: 'bind-service',
        msg: expect.stringContaining('timestamp'),
      }),
    ]);
  });

  it('when the task holds two accounts, then each interval has the totals line and one line per account with an Account dimension', () => {
    // Prepare
    const main = { bindsUp: 1, submitted: 100, throttled: 0, unknownOutcomes: 0 };
    const marketing = { bindsUp: 2, submitted: 40, throttled: 1, unknownOutcomes: 0 };
    const lines: string[] = [];
    const read = (): MetricsReading => ({
      bindsUp: main.bindsUp + marketing.bindsUp,
      submitted: main.submitted + marketing.submitted,
      throttled: main.throttled + marketing.throttled,
      unknownOutcomes: main.unknownOutcomes + marketing.unknownOutcomes,
      accounts: { main: { ...main }, marketing: { ...marketing } },
    });
    const reporter = startMetricsReporter({
      namespace: 'SmsSender',
      service: 'bind',
      intervalMs: 60_000,
      read,
      write: (line) => lines.push(line),
      now: () => 1_767_225_600_000,
    });
    // Act
    main.submitted = 130;
    marketing.submitted = 50;
    marketing.throttled = 4;
    marketing.bindsUp = 1;
    reporter.stop();
    // Assess
    const [total, first, second] = lines.map(
      (line) => JSON.parse(line) as EmfDocument & { Account?: string },
    );
    expect(lines).toHaveLength(3);
    expect(total).toMatchObject({
      Service: 'bind',
      BindsUp: 2,
      Submitted: 40,
      Throttled: 3,
      UnknownOutcomes: 0,
    });
    expect(total?._aws.CloudWatchMetrics[0]?.Dimensions).toEqual([['Service']]);
    expect(Object.keys(total ?? {})).not.toContain('Account');
    expect(first).toMatchObject({
      Service: 'bind',
      Account: 'main',
      BindsUp: 1,
      Submitted: 30,
      Throttled: 0,
    });
    expect(second).toMatchObject({
      Service: 'bind',
      Account: 'marketing',
      BindsUp: 1,
      Submitted: 10,
      Throttled: 3,
    });
    for (const line of [first, second]) {
      expect(line?._aws.CloudWatchMetrics).toEqual([
        {
          Namespace: 'SmsSender',
          Dimensions: [['Service', 'Account']],
          Metrics: [
            { Name: 'BindsUp', Unit: 'Count' },
            { Name: 'Submitted', Unit: 'Count' },
            { Name: 'Throttled', Unit: 'Count' },
            { Name: 'UnknownOutcomes', Unit: 'Count' },
          ],
        },
      ]);
    }
  });

  it('when the task holds one account, then only the totals line is written (no Account dimension to pay for)', () => {
    // Prepare
    const lines: string[] = [];
    const reading = { bindsUp: 1, submitted: 5, throttled: 0, unknownOutcomes: 0 };
    const reporter = startMetricsReporter({
      namespace: 'SmsSender',
      service: 'bind',
      intervalMs: 60_000,
      read: () => ({ ...reading, accounts: { default: reading } }),
      write: (line) => lines.push(line),
    });
    // Act
    reporter.stop();
    // Assess
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).not.toHaveProperty('Account');
  });
});
