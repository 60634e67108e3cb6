import { Duration } from 'aws-cdk-lib';
import type * as events from 'aws-cdk-lib/aws-events';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { VAR } from '#core/config/variables.ts';
import { ENTRIES } from '../../paths.ts';
import { NodeFunction } from '../compute/node-function.ts';
import type { LogSettings } from '../platform/log-group.ts';
import { createFailureQueue } from '../platform/resource-mapping.ts';
import type { CallbackDelivery } from './callbacks.ts';
import type { ResourceConsumer } from './consumer.ts';
import type { MessageStore } from './message-store.ts';

// The status consumer (lambdas/status-stream) on the messages table's stream: state changes become
// EventBridge events and callback jobs (posted by the callback worker, callbacks.ts); and on the
// inbound table's stream: incoming messages become InboundMessageReceived events. A failing record
// is retried alone (bisect + partial batch failures); one that still fails lands in an SQS queue
// with its stream coordinates, never blocking the shard for longer than maxRecordAge.

export interface StatusStreamProps {
  readonly store: MessageStore;
  readonly eventBus: events.IEventBus;
  /** Where callback jobs go; this function may only send to its queue. */
  readonly callbacks: CallbackDelivery;
  readonly logs: LogSettings;
}

/** PutEvents on the bus, and its name in EVENT_BUS_NAME. */
function bindEventBus(consumer: ResourceConsumer, bus: events.IEventBus): void {
  bus.grantPutEventsTo(consumer);
  consumer.addEnvironment(VAR.EVENT_BUS_NAME, bus.eventBusName);
}

export class StatusStream extends Construct {
  readonly handler: NodeFunction;
  /** Stream records that failed every retry (their coordinates, to re-read from the stream). */
  readonly failures: sqs.Queue;

  constructor(scope: Construct, id: string, props: StatusStreamProps) {
    super(scope, id);
    this.handler = new NodeFunction(this, 'Handler', {
      entry: ENTRIES.statusStream,
      description: 'Turns message state changes from the DynamoDB stream into events and callback jobs',
      logs: props.logs,
      timeout: Duration.seconds(60),
    });
    // It reads only the stream records (granted by the event source below): no table access.
    bindEventBus(this.handler, props.eventBus);
    // Every event names this deployment: a rule of another stack on the same bus does not match it.
    this.handler.addEnvironment(VAR.EVENT_RESOURCE_ARN, props.store.messages.tableArn);
    props.callbacks.bindProducer(this.handler);

    this.failures = createFailureQueue(this, 'the on-failure destination of the stream mapping');

    const source = {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 10,
      maxRecordAge: Duration.days(1),
      // One batch per shard at a time keeps a message's changes in order.
      parallelizationFactor: 1,
      onFailure: new SqsDlq(this.failures),
    };
    this.handler.function.addEventSource(
      new DynamoEventSource(props.store.messages, {
        ...source,
        // Only message records carry states; the lease renewal (every few seconds), receipt lookups
        // and idempotency items would otherwise invoke the function around the clock. Nor their TTL
        // removals, 90 days on: one invocation per message ever sent, for nothing to publish.
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.or('INSERT', 'MODIFY'),
            dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith('MSG#') } } },
          }),
        ],
      }),
    );
    // Incoming messages become InboundMessageReceived events: only their INSERTs (not the part
    // assemblies or raw receipts kept in the same table, nor TTL removals).
    this.handler.function.addEventSource(
      new DynamoEventSource(props.store.inbound, {
        ...source,
        filters: ['IN#SMSC#', 'IN#ID#'].map((prefix) =>
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith(prefix) } } },
          }),
        ),
      }),
    );
    props.store.grantStreamKey(this.handler.function);
  }
}
