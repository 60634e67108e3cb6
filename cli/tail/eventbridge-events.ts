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
// with the rule, when it ends). Needs events:DescribeEventBus/PutRule/TagResource/PutTargets/RemoveTargets/DeleteRule
// and sqs:CreateQueue/TagQueue/SetQueueAttributes/GetQueueAttributes/ReceiveMessage/DeleteMessage/DeleteQueue.
// What a tail that could not clean up (SIGKILL, a power cut) leaves is bounded and findable: its
// queue keeps an unread event for RETENTION_SECONDS, not SQS's default 4 days, and the rule and the
// queue carry the TAIL_TAG tag, valued with the time they were made.

/** How long the tail's queue keeps an event nobody reads (SQS's least is 60 s). */
const RETENTION_SECONDS = 300;
/** The tag on the tail's rule and queue: its value is when the tail made them (ISO 8601). */
const TAIL_TAG = 'smsc-sender:tail';
/** A cleanup call that has not answered by then is given up, so that the tail still ends. */
const CLEANUP_STEP_MS = 15_000;

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
  const cleanup: ((abortSignal: AbortSignal) => Promise<unknown>)[] = [];
  const createdAt = new Date().toISOString();
  try {
    const bus = await events.send(new DescribeEventBusCommand({ Name: options.eventBus }));
    const rule = await events.send(
      new PutRuleCommand({
        Name: name,
        EventBusName: options.eventBus,
        EventPattern: JSON.stringify({ source: [EVENT_SOURCE], 'detail-type': [EVENT_DETAIL_TYPE] }),
        Description: 'smsc-sender tail (temporary)',
        Tags: [{ Key: TAIL_TAG, Value: createdAt }],
      }),
    );
    cleanup.push((abortSignal) =>
      events.send(new DeleteRuleCommand({ Name: name, EventBusName: options.eventBus }), { abortSignal }),
    );
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
        Attributes: {
          Policy: policy(queueArn),
          SqsManagedSseEnabled: 'true',
          MessageRetentionPeriod: String(RETENTION_SECONDS),
        },
        tags: { [TAIL_TAG]: createdAt },
      }),
    );
    if (!QueueUrl) throw new Error('CreateQueue gave no queue URL');
    cleanup.unshift((abortSignal) => sqs.send(new DeleteQueueCommand({ QueueUrl }), { abortSignal }));
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
    cleanup.unshift((abortSignal) =>
      events.send(new RemoveTargetsCommand({ Rule: name, EventBusName: options.eventBus, Ids: ['tail'] }), {
        abortSignal,
      }),
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
    // A signal during it is noted, not fatal (cli/signals.ts), so each step has a deadline of its own.
    for (const step of cleanup) await step(AbortSignal.timeout(CLEANUP_STEP_MS)).catch(() => undefined);
    events.destroy();
    sqs.destroy();
  }
}
