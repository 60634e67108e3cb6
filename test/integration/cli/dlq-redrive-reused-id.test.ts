import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { SqsLane } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { redrive } from '#cli/dlq/redrive.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { ID_REUSED } from '#core/domain/messages/same-content.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

// One queue message refused id_reused can be dead-lettered twice (the bind-service's delete after
// deadLetter failed and the message came back, or SendMessage to the DLQ landed but its answer was
// lost and the message was given back): two DLQ entries of the SAME publish (same body, same
// `sqsMessageId` attribute naming the source queue message). Each entry's own MessageId differs.
describe('dlq redrive --as-new of an id_reused message dead-lettered twice (fauxqs)', () => {
  const aws = useLocalAws({ sqs: true });

  it('when the bind-service dead-lettered one queue message twice, then --as-new moves both under one new id', async () => {
    // Prepare
    const queues = await aws.freshQueues();
    const lane = new SqsLane(aws.sqs, 'urgent', { url: queues.urgent, dlqUrl: queues.urgentDlq });
    const id = newMessageId(Date.now());
    const body = JSON.stringify({ v: 1, id, to: '+79995550202', text: 'Another' });
    // What refuseReusedId sets, for the same held message, twice.
    const attributes = {
      errorCode: ID_REUSED,
      errorPaths: `${ID_REUSED}@id`,
      errorDescription: `id: ${id} already names another message (its to, text differ); this message was not sent.`,
      sourceLane: 'urgent',
      sqsMessageId: 'source-queue-message-1',
      messageId: id,
    };
    await lane.deadLetter(body, attributes);
    await lane.deadLetter(body, attributes);
    // Act
    const outcome = await redrive(aws.sqs, queues.urgentDlq, queues.urgent, {
      max: 10,
      records: async (asked) =>
        asked === id ? { kind: 'found', status: 'delivered', wasSent: true } : { kind: 'missing' },
      asNew: true,
    });
    // Assess: before, each got an id from its entry's own MessageId: one publish sent twice
    expect({ moved: outcome.moved, held: outcome.held }).toEqual({ moved: 2, held: [] });
    const { Messages = [] } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.urgent, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    const ids = new Set(Messages.map((m) => (JSON.parse(m.Body ?? '{}') as { id?: string }).id));
    expect([...ids]).toHaveLength(1);
  }, 60_000);
});
