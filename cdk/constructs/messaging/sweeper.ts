import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { VAR } from '#core/config/variables.ts';
import { ENTRIES } from '../../paths.ts';
import { NodeFunction } from '../compute/node-function.ts';
import type { LogSettings } from '../platform/log-group.ts';
import { createFailureQueue } from '../platform/resource-mapping.ts';
import type { AccountQueuePairs } from './account-queues.ts';
import type { MessageStore } from './message-store.ts';
import type { SendQueues } from './queues.ts';
import { SWEEPER_MESSAGES } from './table-access.ts';

// The sweeper (lambdas/sweeper) on an EventBridge schedule: `accepted` records whose enqueue never
// happened are found in the messages table's byAttention index and enqueued again on their lane.
// Its role can query that one index, read and reschedule message items (table-access.ts), and send
// to every account's lanes.

export interface SweeperProps {
  readonly store: MessageStore;
  readonly queues: SendQueues;
  /** The other accounts' pairs: a record is enqueued again on its own account's pair. */
  readonly accountQueues?: AccountQueuePairs;
  /**
   * SMPP_ACCOUNTS_JSON (the API's form) with several accounts: its start then refuses an account
   * without a queue pair, rather than sending its records to the first account's queue.
   */
  readonly accountsJson?: string;
  readonly logs: LogSettings;
  /** @default every 2 minutes */
  readonly schedule?: Duration;
}

export class Sweeper extends Construct {
  readonly handler: NodeFunction;
  /** Invocations that failed (a sweep that could not enqueue some records, or could not run). */
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: SweeperProps) {
    super(scope, id);
    this.failures = createFailureQueue(this, "the sweeper's on-failure destination");

    this.handler = new NodeFunction(this, 'Handler', {
      entry: ENTRIES.sweeper,
      description: 'Enqueues again accepted messages whose enqueue never happened',
      logs: props.logs,
      timeout: Duration.seconds(60),
    });
    // The next scheduled run is the retry: a failed one is recorded, not repeated at once.
    this.handler.function.configureAsyncInvoke({
      retryAttempts: 0,
      onFailure: new SqsDestination(this.failures),
    });

    props.store.bindMessages(this.handler, SWEEPER_MESSAGES);
    props.queues.bindProducer(this.handler);
    props.accountQueues?.bindProducer(this.handler);
    if (props.accountsJson) this.handler.addEnvironment(VAR.SMPP_ACCOUNTS_JSON, props.accountsJson);

    new events.Rule(this, 'Schedule', {
      description: 'Runs the sweeper for accepted messages never enqueued',
      schedule: events.Schedule.rate(props.schedule ?? Duration.minutes(2)),
      targets: [new targets.LambdaFunction(this.handler.function, { retryAttempts: 0 })],
    });
  }
}
