// CloudWatch Embedded Metric Format lines on stdout: the awslogs driver ships them and CloudWatch
// extracts the metrics, so the task needs neither an agent nor PutMetricData. One line per interval,
// also when idle or unbound, so that silence means "no task" (the BindsDown alarm treats missing
// data as breaching). The contract with the alarms is docs/operations.md.

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
}

export function emfLine(
  namespace: string,
  service: string,
  timestamp: number,
  values: MetricsReading,
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [['Service']],
          Metrics: [
            { Name: 'BindsUp', Unit: 'Count' },
            { Name: 'Submitted', Unit: 'Count' },
            { Name: 'Throttled', Unit: 'Count' },
            { Name: 'UnknownOutcomes', Unit: 'Count' },
          ],
        },
      ],
    },
    Service: service,
    BindsUp: values.bindsUp,
    Submitted: values.submitted,
    Throttled: values.throttled,
    UnknownOutcomes: values.unknownOutcomes,
  });
}

export interface MetricsReporter {
  /** Writes the last partial interval, then stops the timer. */
  stop(): void;
}

export function startMetricsReporter(options: MetricsReporterOptions): MetricsReporter {
  const now = options.now ?? Date.now;
  let previous = options.read();
  const report = () => {
    const current = options.read();
    options.write(
      emfLine(options.namespace, options.service, now(), {
        bindsUp: current.bindsUp,
        submitted: current.submitted - previous.submitted,
        throttled: current.throttled - previous.throttled,
        unknownOutcomes: current.unknownOutcomes - previous.unknownOutcomes,
      }),
    );
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
