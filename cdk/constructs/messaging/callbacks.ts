import { Duration, Validations } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { CALLBACK_QUEUE, CALLBACK_WORKER } from '#core/aws/resources/resource-definitions.ts';
import { VAR } from '#core/config/variables.ts';
import { ENTRIES } from '../../paths.ts';
import { NodeFunction } from '../compute/node-function.ts';
import type { LogSettings } from '../platform/log-group.ts';
import { toDeadLetterQueueProps, toQueueProps } from '../platform/resource-mapping.ts';
import { bindSecretArn, type ResourceConsumer } from './consumer.ts';
import type { MessageStore } from './message-store.ts';
import { CALLBACK_WORKER_MESSAGES } from './table-access.ts';

// Signed status callbacks, one queue job per (message, change): the status stream queues them, the
// worker (lambdas/callbacks) posts each, records the outcome on the message and backs off on its own,
// so a dead receiver never holds the stream or anyone else's callback. Jobs that use up
// maxReceiveCount rest on the DLQ (alarmed in operations.ts).

export interface CallbackDeliveryProps {
  readonly store: MessageStore;
  /** The HMAC key of callback signatures (a plain string). @default a generated 64-character key */
  readonly signingSecret?: secretsmanager.ISecret;
  readonly logs: LogSettings;
}

export class CallbackDelivery extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly worker: NodeFunction;
  readonly signingSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: CallbackDeliveryProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, CALLBACK_QUEUE.dlq.id, toDeadLetterQueueProps(CALLBACK_QUEUE));
    this.queue = new sqs.Queue(
      this,
      CALLBACK_QUEUE.id,
      toQueueProps(CALLBACK_QUEUE, this.deadLetterQueue, 0),
    );

    this.worker = new NodeFunction(this, 'Worker', {
      entry: ENTRIES.callbacks,
      description: 'Posts signed status callbacks from the callback queue and records each outcome',
      logs: props.logs,
      // One batch of 10 posts side by side. The queue's visibility timeout is derived from it (6x).
      timeout: Duration.seconds(CALLBACK_WORKER.timeoutSeconds),
    });
    // Receive, delete and ChangeMessageVisibility (the back-off); UpdateItem of `callback` only.
    this.queue.grantConsumeMessages(this.worker);
    this.worker.addEnvironment(VAR.CALLBACK_QUEUE_URL, this.queue.queueUrl);
    props.store.bindMessages(this.worker, CALLBACK_WORKER_MESSAGES);
    this.signingSecret = props.signingSecret ?? this.generatedSigningSecret();
    bindSecretArn(this.worker, this.signingSecret, VAR.CALLBACK_SIGNING_SECRET_ARN);

    this.worker.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        // Bounds the receivers' load and the table writes when many callbacks are due at once.
        maxConcurrency: 10,
      }),
    );
  }

  /** The status stream: SendMessage on the callback queue, and its URL. */
  bindProducer(consumer: ResourceConsumer): void {
    this.queue.grantSendMessages(consumer);
    consumer.addEnvironment(VAR.CALLBACK_QUEUE_URL, this.queue.queueUrl);
  }

  private generatedSigningSecret(): secretsmanager.Secret {
    const secret = new secretsmanager.Secret(this, 'SigningSecret', {
      description: 'HMAC key of the status callbacks; clients verify signatures with it',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Every callback receiver verifies signatures with this key, so a rotation must be coordinated with them (rotate by hand: docs/operations.md); an automatic rotation would break verification silently.',
    });
    return secret;
  }
}
