import { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { VAR } from '#core/config/variables.ts';
import type { NodeFunction } from '../compute/node-function.ts';
import { type AccountOperations, accountOperations } from './account-operations.ts';

// Alarms and one dashboard for what an operator must act on (docs/operations.md has the runbook and
// the EMF contract of the bind-service metrics used here).

/** EMF metric names the bind-service emits in `namespace`, dimension `Service` (docs/operations.md). */
export const BIND_SERVICE_METRICS = {
  bindsUp: 'BindsUp',
  submitted: 'Submitted',
  throttled: 'Throttled',
  unknownOutcomes: 'UnknownOutcomes',
} as const;

export interface OperationsProps {
  readonly namespace: string;
  readonly service: string;
  /**
   * Every login's sessions added up: what the tasks together hold when all is well (fewer reported,
   * or none, is "binds down").
   */
  readonly binds: number;
  readonly deadLetterQueues: Readonly<Record<string, sqs.IQueue>>;
  readonly sendQueues: Readonly<Record<string, { queue: sqs.IQueue; maxAgeSeconds: number }>>;
  readonly api: apigateway.RestApi;
  readonly functions: Readonly<Record<string, NodeFunction>>;
  readonly streamFunction: NodeFunction;
  /** Where every alarm and its recovery (OK) is sent. */
  readonly alarmTopic: sns.ITopic;
  /** Throttled / submitted above this, in %, over 5 minutes. */
  readonly throttledPercent: number;
  /**
   * Every account when there are several (alarms and a dashboard row each: account-operations.ts);
   * empty with one login, whose figures are the totals above.
   */
  readonly accounts?: readonly AccountOperations[];
  /** The per-account queue alarms' thresholds, as the first pair's `sendQueues`. */
  readonly maxAgeSeconds: { readonly urgent: number; readonly bulk: number };
}

const FIVE_MINUTES = Duration.minutes(5);

export class Operations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  private readonly topicAction: actions.SnsAction;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    this.topicAction = new actions.SnsAction(props.alarmTopic);
    const bindMetric = (metricName: string, statistic: string, period = Duration.minutes(1)) =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName,
        dimensionsMap: { Service: props.service },
        statistic,
        period,
      });

    const dlqWidgets: cloudwatch.IMetric[] = [];
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      const depth = queue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      });
      dlqWidgets.push(depth.with({ label: name }));
      this.alarm(`${name}Depth`, depth, {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `${name} holds messages that failed for good: inspect and redrive (docs/operations.md).`,
      });
    }

    const ageWidgets: cloudwatch.IMetric[] = [];
    for (const [name, { queue, maxAgeSeconds }] of Object.entries(props.sendQueues)) {
      const age = queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      });
      ageWidgets.push(age.with({ label: name }));
      this.alarm(`${name}OldestMessageAge`, age, {
        threshold: maxAgeSeconds,
        evaluationPeriods: 5,
        alarmDescription: `${name} queue: a message waited over ${maxAgeSeconds} s; the bind-service is down, unbound or throttled.`,
      });
    }

    // Sum over tasks: the tasks share the logins' slots, so one may hold them all and another none
    // (a standby); each reports its own count once a minute.
    const bindsUp = bindMetric(BIND_SERVICE_METRICS.bindsUp, 'Sum');
    this.alarm('BindsDown', bindsUp, {
      threshold: props.binds,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      // No data means no bind-service is reporting at all: that is the worst kind of "down".
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `The tasks together held fewer than ${props.binds} SMPP bind(s) for 3 minutes, or no bind-service reported at all (task down, or desired count 0).`,
    });

    const throttleRate = new cloudwatch.MathExpression({
      expression: 'IF(submitted > 0, 100 * throttled / submitted, 0)',
      usingMetrics: {
        submitted: bindMetric(BIND_SERVICE_METRICS.submitted, 'Sum', FIVE_MINUTES),
        throttled: bindMetric(BIND_SERVICE_METRICS.throttled, 'Sum', FIVE_MINUTES),
      },
      label: 'Throttled %',
      period: FIVE_MINUTES,
    });
    this.alarm('ThrottlingRate', throttleRate, {
      threshold: props.throttledPercent,
      evaluationPeriods: 2,
      alarmDescription: `Over ${props.throttledPercent}% of submits answered ESME_RTHROTTLED for 10 minutes: ${VAR.SMPP_THROUGHPUT} exceeds the account rate.`,
    });

    const unknown = bindMetric(BIND_SERVICE_METRICS.unknownOutcomes, 'Sum', FIVE_MINUTES);
    this.alarm('UnknownOutcomes', unknown, {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription:
        'Submits without an answer became `unknown` (never resent): check the SMSC and reconcile.',
    });

    const api5xx = props.api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' });
    this.alarm('Api5xx', api5xx, {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      alarmDescription: 'The API answered 5xx (Lambda error, timeout, or storage/queue unavailable).',
    });

    const errorWidgets: cloudwatch.IMetric[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      const errors = fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' });
      errorWidgets.push(errors.with({ label: name }));
      this.alarm(`${name}Errors`, errors, {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `The ${name} Lambda failed invocations.`,
      });
    }
    const iteratorAge = new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName: 'IteratorAge',
      dimensionsMap: { FunctionName: props.streamFunction.function.functionName },
      statistic: 'Maximum',
      period: Duration.minutes(1),
    });
    this.alarm('StatusStreamLag', iteratorAge, {
      threshold: 5 * 60 * 1000,
      evaluationPeriods: 5,
      alarmDescription: 'Status events and callbacks lag the table by over 5 minutes.',
    });

    const accountRows = accountOperations(
      this,
      {
        namespace: props.namespace,
        service: props.service,
        accounts: props.accounts ?? [],
        maxAgeSeconds: props.maxAgeSeconds,
      },
      (scope, id, metric, options) => this.alarm(id, metric, options, scope),
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      // Each graph keeps its own period: "binds up" sums a gauge each task writes once a minute, and
      // the account rows count per minute; CloudWatch's `auto` would widen the period with the time
      // range (a week: an hour), one bind then reading as sixty.
      periodOverride: cloudwatch.PeriodOverride.INHERIT,
      widgets: [
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 })],
        [
          graph('SMPP binds up', [bindsUp]),
          graph('Throttled % of submits', [throttleRate]),
          graph('Unknown outcomes', [unknown]),
        ],
        [
          graph('Oldest message age (s)', ageWidgets),
          graph('Dead-letter queue depth', dlqWidgets),
          graph('API 5xx / Lambda errors', [api5xx.with({ label: 'API 5xx' }), ...errorWidgets]),
        ],
        [
          graph('API requests', [props.api.metricCount({ period: FIVE_MINUTES, statistic: 'Sum' })]),
          graph('API latency p99 (ms)', [
            props.api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
          ]),
          graph('Status stream iterator age (ms)', [iteratorAge]),
        ],
        ...accountRows,
      ],
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: Omit<cloudwatch.CreateAlarmOptions, 'evaluationPeriods'> & { evaluationPeriods?: number },
    scope: Construct = this,
  ): void {
    const alarm = new cloudwatch.Alarm(scope, id, {
      metric,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      ...options,
    });
    // Both states: whoever was told of the problem is also told when it is over.
    alarm.addAlarmAction(this.topicAction);
    alarm.addOkAction(this.topicAction);
    this.alarms.push(alarm);
  }
}

function graph(title: string, metrics: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width: 8, height: 6 });
}
