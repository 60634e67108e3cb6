import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { PRIORITIES, type Priority } from '#core/domain/requests/message-schema.ts';
import type { SendQueues } from '../messaging/queues.ts';

// Per account, when a deployment has several (SmsSenderProps.accounts): alarms and one dashboard
// row each, from the bind-service's EMF figures with the `Account` dimension (bind-service/
// metrics.ts writes them only when there is more than one account) and the SQS metrics of the
// account's own queue pair. The first account's pair keeps today's queue alarms (UrgentDlqDepth & co.).

export interface AccountOperations {
  readonly name: string;
  /** This login's sessions in the whole deployment (its `binds`), whichever tasks hold them. */
  readonly binds: number;
  readonly queues: SendQueues;
}

export interface AccountOperationsProps {
  readonly namespace: string;
  readonly service: string;
  /** In the accounts' order; the first account's pair is alarmed by Operations itself. */
  readonly accounts: readonly AccountOperations[];
  readonly maxAgeSeconds: Readonly<Record<Priority, number>>;
}

export type AlarmFactory = (
  scope: Construct,
  id: string,
  metric: cloudwatch.IMetric,
  options: Omit<cloudwatch.CreateAlarmOptions, 'evaluationPeriods'> & { evaluationPeriods?: number },
) => void;

const LANE_ID: Readonly<Record<Priority, string>> = { urgent: 'Urgent', bulk: 'Bulk' };

/** Alarms of every account (made with `alarm`, so each notifies the topic) and its dashboard row. */
export function accountOperations(
  scope: Construct,
  props: AccountOperationsProps,
  alarm: AlarmFactory,
): cloudwatch.IWidget[][] {
  return props.accounts.map((account, index) => {
    const alarms = new Construct(scope, `Account-${account.name}`);
    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName,
        dimensionsMap: { Service: props.service, Account: account.name },
        statistic,
        period: Duration.minutes(1),
      });
    const bindsUp = metric('BindsUp', 'Sum');
    alarm(alarms, 'AccountBindsDown', bindsUp, {
      threshold: account.binds,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `Account "${account.name}": the tasks together held fewer than ${account.binds} SMPP bind(s) of this login for 3 minutes, or no bind-service reported.`,
    });

    const ages: cloudwatch.IMetric[] = [];
    const depths: cloudwatch.IMetric[] = [];
    for (const lane of PRIORITIES) {
      const { queue, deadLetterQueue } = account.queues.lanes[lane];
      const age = queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      });
      const dlqDepth = deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      });
      ages.push(age.with({ label: lane }));
      depths.push(
        queue
          .metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' })
          .with({
            label: lane,
          }),
        dlqDepth.with({ label: `${lane} DLQ` }),
      );
      // The first account's pair is the sender's original one, alarmed as before.
      if (index === 0) continue;
      const maxAge = props.maxAgeSeconds[lane];
      alarm(alarms, `Account${LANE_ID[lane]}OldestMessageAge`, age, {
        threshold: maxAge,
        evaluationPeriods: 5,
        alarmDescription: `Account "${account.name}", ${lane} queue: a message waited over ${maxAge} s; its binds are down or throttled.`,
      });
      alarm(alarms, `Account${LANE_ID[lane]}DlqDepth`, dlqDepth, {
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        alarmDescription: `Account "${account.name}": its ${lane} DLQ holds messages that failed for good: inspect and redrive (docs/operations.md).`,
      });
    }

    return [
      row(`${account.name}: sent / throttled per minute`, [
        metric('Submitted', 'Sum').with({ label: 'sent' }),
        metric('Throttled', 'Sum').with({ label: 'throttled' }),
      ]),
      row(`${account.name}: SMPP binds up`, [bindsUp]),
      row(`${account.name}: oldest message age (s)`, ages),
      row(`${account.name}: queue and DLQ depth`, depths),
    ];
  });
}

function row(title: string, metrics: cloudwatch.IMetric[]): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({ title, left: metrics, width: 6, height: 6 });
}
