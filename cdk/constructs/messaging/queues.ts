import type * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { QUEUES } from '#core/aws/resources/resource-definitions.ts';
import type { QueuePair } from '#core/config/account-queues.ts';
import { VAR, type VariableName } from '#core/config/variables.ts';
import { PRIORITIES, type Priority } from '#core/domain/requests/message-schema.ts';
import { toDeadLetterQueueProps, toQueueProps } from '../platform/resource-mapping.ts';
import type { ResourceConsumer } from './consumer.ts';

// The two send lanes (urgent, bulk), each with its dead-letter queue, from the shared definitions.

export interface LaneQueues {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
}

export interface SendQueuesProps {
  /** Raises the shared visibility timeouts when the bind-service needs longer (bind-limits.ts). */
  readonly minVisibilitySeconds: number;
}

const ENV = {
  urgent: { queue: VAR.URGENT_QUEUE_URL, dlq: VAR.URGENT_DLQ_URL },
  bulk: { queue: VAR.BULK_QUEUE_URL, dlq: VAR.BULK_DLQ_URL },
} as const satisfies Record<Priority, { queue: VariableName; dlq: VariableName }>;

export class SendQueues extends Construct {
  readonly lanes: Readonly<Record<Priority, LaneQueues>>;

  constructor(scope: Construct, id: string, props: SendQueuesProps) {
    super(scope, id);
    const build = (lane: Priority): LaneQueues => {
      const def = QUEUES[lane];
      const deadLetterQueue = new sqs.Queue(this, def.dlq.id, toDeadLetterQueueProps(def));
      const queue = new sqs.Queue(
        this,
        def.id,
        toQueueProps(def, deadLetterQueue, props.minVisibilitySeconds),
      );
      return { queue, deadLetterQueue };
    };
    this.lanes = { urgent: build('urgent'), bulk: build('bulk') };
  }

  /** Producers (the api Lambda, direct publishers): SendMessage on both lanes, and their URLs. */
  bindProducer(consumer: ResourceConsumer): void {
    this.grantProduce(consumer);
    for (const lane of PRIORITIES) consumer.addEnvironment(ENV[lane].queue, this.lanes[lane].queue.queueUrl);
  }

  /**
   * The bind-service: receive/delete/extend on both lanes, and SendMessage on the DLQs (an invalid
   * queue message is moved there at once instead of being retried maxReceiveCount times).
   */
  bindConsumer(consumer: ResourceConsumer): void {
    this.grantConsume(consumer);
    for (const lane of PRIORITIES) {
      const { queue, deadLetterQueue } = this.lanes[lane];
      consumer.addEnvironment(ENV[lane].queue, queue.queueUrl);
      consumer.addEnvironment(ENV[lane].dlq, deadLetterQueue.queueUrl);
    }
  }

  /** SendMessage on both lanes. */
  grantProduce(grantee: iam.IGrantable): void {
    for (const lane of PRIORITIES) this.lanes[lane].queue.grantSendMessages(grantee);
  }

  /** Receive/delete/extend on both lanes, SendMessage on their DLQs. */
  grantConsume(grantee: iam.IGrantable): void {
    for (const lane of PRIORITIES) {
      const { queue, deadLetterQueue } = this.lanes[lane];
      queue.grantConsumeMessages(grantee);
      deadLetterQueue.grantSendMessages(grantee);
    }
  }

  /** The four URLs, as one entry of ACCOUNT_QUEUES (core/config/account-queues.ts). */
  get urls(): QueuePair {
    const { urgent, bulk } = this.lanes;
    return {
      urgent: urgent.queue.queueUrl,
      bulk: bulk.queue.queueUrl,
      urgentDlq: urgent.deadLetterQueue.queueUrl,
      bulkDlq: bulk.deadLetterQueue.queueUrl,
    };
  }
}
