import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type Logger, silentLogger } from '#core/observability/logger.ts';

// CloudWatch Embedded Metric Format lines on stdout, serialised by Powertools Metrics: the awslogs
// driver ships them and CloudWatch extracts the metrics, so the task needs neither an agent nor
// PutMetricData. One line per interval, also when idle or unbound, so that silence means "no task"
// (the BindsDown alarm treats missing data as breaching). The contract with the alarms
// (cdk/constructs/platform/operations.ts) is docs/operations.md: namespace, dimension `Service`,
// these names; with several accounts, one more line per account adds the dimension `Account`
// (cdk/constructs/platform/account-operations.ts).

/** Cumulative counters since start; the reporter turns them into per-interval deltas. */
export interface LoginReading {
  bindsUp: number;
  /** SUBMIT_SM_RESPs of any status (DispatchStats.submitAnswers), not messages submitted. */
  submitted: number;
  throttled: number;
  unknownOutcomes: number;
}

/** The task's totals (what the alarms read), and with several accounts each account's own figures. */
export interface MetricsReading extends LoginReading {
  /**
   * By account name, when the task holds more than one login: each also gets a line with the
   * dimensions [Service, Account]. With one login the totals are its figures; a second copy would
   * only add billed custom metrics.
   */
  accounts?: Readonly<Record<string, LoginReading>>;
}

const ZERO: LoginReading = { bindsUp: 0, submitted: 0, throttled: 0, unknownOutcomes: 0 };

export interface MetricsReporterOptions {
  namespace: string;
  service: string;
  intervalMs: number;
  read: () => MetricsReading;
  write: (line: string) => void;
  now?: () => number;
  /** Where Powertools' own warnings go (an invalid dimension or timestamp); default nowhere. */
  log?: Logger;
}

export interface MetricsReporter {
  /** Writes the last partial interval, then stops the timer. */
  stop(): void;
}

export function startMetricsReporter(options: MetricsReporterOptions): MetricsReporter {
  const now = options.now ?? Date.now;
  const log = options.log ?? silentLogger;
  const metrics = new Metrics({
    namespace: options.namespace,
    serviceName: options.service,
    logger: {
      debug: (message: unknown) => log.debug(String(message)),
      info: (message: unknown) => log.info(String(message)),
      warn: (message: unknown) => log.warn(String(message)),
      error: (message: unknown) => log.error(String(message)),
    },
  });
  // Powertools names its default dimension `service`; the alarms read `Service`.
  metrics.clearDefaultDimensions();
  metrics.setDefaultDimensions({ Service: options.service });

  const first = options.read();
  let previous: LoginReading = first;
  const previousOf = new Map(Object.entries(first.accounts ?? {}));
  const line = (current: LoginReading, before: LoginReading, account?: string): string => {
    metrics.setTimestamp(now());
    if (account !== undefined) metrics.addDimension('Account', account);
    metrics.addMetric('BindsUp', MetricUnit.Count, current.bindsUp);
    metrics.addMetric('Submitted', MetricUnit.Count, current.submitted - before.submitted);
    metrics.addMetric('Throttled', MetricUnit.Count, current.throttled - before.throttled);
    metrics.addMetric('UnknownOutcomes', MetricUnit.Count, current.unknownOutcomes - before.unknownOutcomes);
    // Serialised here rather than by publishStoredMetrics(), which prints through its own console
    // and not at all under POWERTOOLS_DEV: the line goes to this reporter's writer.
    const serialised = JSON.stringify(metrics.serializeMetrics());
    metrics.clearMetrics();
    metrics.clearDimensions();
    return serialised;
  };
  const report = () => {
    const current = options.read();
    options.write(line(current, previous));
    previous = current;
    const accounts = Object.entries(current.accounts ?? {});
    if (accounts.length < 2) return;
    for (const [name, reading] of accounts) {
      // An account first seen now starts from zero: its whole count so far is this interval's.
      options.write(line(reading, previousOf.get(name) ?? ZERO, name));
      previousOf.set(name, reading);
    }
  };
  const timer = setInterval(report, options.intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      report();
    },
  };
}
