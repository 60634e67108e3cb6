import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { type Logger, silentLogger } from '#core/observability/logger.ts';

// CloudWatch Embedded Metric Format lines on stdout, serialised by Powertools Metrics: the awslogs
// driver ships them and CloudWatch extracts the metrics, so the task needs neither an agent nor
// PutMetricData. One line per interval, also when idle or unbound, so that silence means "no task"
// (the BindsDown alarm treats missing data as breaching). The contract with the alarms
// (cdk/constructs/operations.ts) is docs/operations.md: namespace, dimension `Service`, these names.

/** Cumulative counters since start; the reporter turns them into per-interval deltas. */
export interface MetricsReading {
  bindsUp: number;
  submitted: number;
  throttled: number;
  unknownOutcomes: number;
}

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

  let previous = options.read();
  const report = () => {
    const current = options.read();
    metrics.setTimestamp(now());
    metrics.addMetric('BindsUp', MetricUnit.Count, current.bindsUp);
    metrics.addMetric('Submitted', MetricUnit.Count, current.submitted - previous.submitted);
    metrics.addMetric('Throttled', MetricUnit.Count, current.throttled - previous.throttled);
    metrics.addMetric(
      'UnknownOutcomes',
      MetricUnit.Count,
      current.unknownOutcomes - previous.unknownOutcomes,
    );
    // Serialised here rather than by publishStoredMetrics(), which prints through its own console
    // and not at all under POWERTOOLS_DEV: the line goes to this reporter's writer.
    options.write(JSON.stringify(metrics.serializeMetrics()));
    metrics.clearMetrics();
    previous = current;
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
