// An invalid queue message on its way to the dead-letter queue: the DLQ has its queue's
// MaximumMessageSize (toDeadLetterQueueProps, 256 KiB) and the bind-service adds the reason as
// message attributes, so a body as large as the queue took must be cut to go (dead-letter-entry.ts).
// Before, SendMessage was refused at every attempt and the message went round until retention.
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { QUEUES } from '#core/aws/resources/resource-definitions.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import {
  invalidMessageHandled,
  publishRaw,
  receiveAll,
  startRig,
  useCleanup,
  waitForEmptyQueue,
} from '../fixtures.ts';

describe('bind-service: an invalid queue message of the largest allowed size (fauxqs, DynamoDB Local)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  it('when a non-JSON body fills the queue’s whole MaximumMessageSize, then it still ends in the DLQ and leaves its queue', async () => {
    // Prepare: the DLQ sized as the CDK deploys it (the same maxMessageSizeBytes as its queue).
    const rig = await startRig(aws, defer, {
      beforeStart: async ({ queues }) =>
        aws.sqs.send(
          new SetQueueAttributesCommand({
            QueueUrl: queues.bulkDlq,
            Attributes: { MaximumMessageSize: String(QUEUES.bulk.maxMessageSizeBytes) },
          }),
        ),
    });
    const body = `not json ${'x'.repeat(QUEUES.bulk.maxMessageSizeBytes - 9)}`;
    expect(Buffer.byteLength(body)).toBe(QUEUES.bulk.maxMessageSizeBytes);
    // Act: published straight to the bulk queue (the queue accepts it: it is within its size).
    await publishRaw(aws, rig.queues.bulk, body);
    await invalidMessageHandled(rig);
    const dead = await receiveAll(aws, rig.queues.bulkDlq, 1);
    await waitForEmptyQueue(aws, rig.queues.bulk);
    const failure = rig.logs.find(
      (line) => line.msg === 'invalid queue message could not be rejected; given back for a later attempt',
    );
    // Assess: dead-lettered with its error code and its size before the cut (and gone from the bulk queue).
    expect({
      deadLettered: dead.map((message) => message.MessageAttributes?.errorCode?.StringValue),
      truncatedFrom: dead.map((message) => message.MessageAttributes?.bodyTruncatedFrom?.StringValue),
      failure: failure
        ? String(
            (failure.error as { message?: string } | undefined)?.message ?? JSON.stringify(failure.error),
          )
        : undefined,
    }).toEqual({
      deadLettered: ['invalid_json'],
      truncatedFrom: [String(QUEUES.bulk.maxMessageSizeBytes)],
      failure: undefined,
    });
  }, 40_000);
});
