import { randomBytes } from 'node:crypto';
import {
  DeleteRuleCommand,
  DescribeEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import {
  EVENT_DETAIL_TYPE,
  EVENT_SOURCE,
  type MessageStatusChanged,
} from '#lambdas/status-stream/status-event.ts';

// A deployed stack's status events, where they really go: the EventBridge bus. For as long as the
// tail runs, a rule on the bus sends them to a queue of its own (created for the tail and deleted,
// with the rule, when it ends). Needs events:PutRule/PutTargets/RemoveTargets/DeleteRule and
// sqs:CreateQueue/SetQueueAttributes/ReceiveMessage/DeleteMessage/DeleteQueue.

export interface EventBridgeTailOptions {
  eventBus: string;
  region?: string;
  profile?: string;
}

export async function* eventBridgeEvents(
  options: EventBridgeTailOptions,
  signal: AbortSignal,
  onSubscribed: () => void,
): AsyncGenerator<MessageStatusChanged> {
  const config = {
    ...(options.region ? { region: options.region } : {}),
    credentials: fromNodeProviderChain(options.profile ? { profile: options.profile } : {}),
  };
  const events = new EventBridgeClient(config);
  const sqs = new SQSClient(config);
  const name = `smsc-sender-tail-${randomBytes(4).toString('hex')}`;
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    const bus = await events.send(new DescribeEventBusCommand({ Name: options.eventBus }));
    const rule = await events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: options.eventBus,
        EventPattern: JSON.stringify({ source: [EVENT_SOURCE], 'detail-type': [EVENT_DETAIL_TYPE] }),
        Description: 'smsc-sender tail (temporary)',
      }),
    );
    cleanup.push(() => events.send(new DeleteRuleCommand({ Name: name, EventBusName: options.eventBus })));
    const policy = (queueArn: string) =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: queueArn,
            Condition: { ArnEquals: { 'aws:SourceArn': rule.RuleArn } },
          },
        ],
      });
    const region = await sqs.config.region();
    const account = bus.Arn?.split(':')[4] ?? '';
    const queueArn = `arn:aws:sqs:${region}:${account}:${name}`;
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { Policy: policy(queueArn), SqsManagedSseEnabled: 'true' },
      }),
    );
    if (!QueueUrl) throw new Error('CreateQueue gave no queue URL');
    cleanup.unshift(() => sqs.send(new DeleteQueueCommand({ QueueUrl })));
    const { Attributes = {} } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: name,
        EventBusName: options.eventBus,
        Targets: [{ Id: 'tail', Arn: Attributes.QueueArn ?? queueArn }],
      }),
    );
    cleanup.unshift(() =>
      events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: options.eventBus, Ids: ['tail'] })),
    );
    onSubscribed();
    while (!signal.aborted) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 10 }),
        { abortSignal: signal },
      );
      for (const message of Messages) {
        const envelope = JSON.parse(message.Body ?? '{}') as { detail?: MessageStatusChanged };
        if (envelope.detail) yield envelope.detail;
      }
      if (Messages.length > 0) {
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl,
            Entries: Messages.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message.ReceiptHandle,
            })),
          }),
        );
      }
    }
  } catch (error) {
    if (!signal.aborted) throw error;
  } finally {
    // Targets, then the queue, then the rule: nothing is left on the account when the tail ends.
    for (const step of cleanup) await step().catch(() => undefined);
    events.destroy();
    sqs.destroy();
  }
}
