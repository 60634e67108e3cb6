import { ReceiveMessageCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { type ReceivedSqsMessage, SqsLane } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { createSqsClient } from '#core/aws/clients.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

// SQS answers a batch delete or visibility change entry by entry, and fails single entries under
// load; fauxqs never does. Through a proxy that fails chosen entries as SQS does (they never reach
// fauxqs), each entry's promise must carry its own outcome: the handles that failed are the ones
// rejected, and their messages are the ones still on the queue.

describe('SqsLane: entries SQS fails within a batch (fauxqs behind a proxy)', () => {
  const aws = useLocalAws({ sqs: true });

  it('when 3 of 10 deletes fail, then exactly their promises reject and exactly their messages come back', async () => {
    // Prepare: ten messages received at once (visibility 1 s, so the undeleted return quickly).
    const queues = await aws.freshQueues();
    await aws.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.bulk,
        Entries: Array.from({ length: 10 }, (_, n) => ({ Id: String(n), MessageBody: `m${n}` })),
      }),
    );
    const proxy = new ItemFaultProxy(aws.sqsEndpoint);
    const sqs = createSqsClient({ region: aws.region, endpoint: await proxy.listen() });
    const lane = new SqsLane(sqs, 'bulk', { url: queues.bulk, dlqUrl: queues.bulkDlq });
    try {
      const received: ReceivedSqsMessage[] = [];
      for (let polls = 0; polls < 10 && received.length < 10; polls++) {
        received.push(...(await lane.receive(10, 1)));
      }
      const doomed = new Set(['m2', 'm5', 'm7']);
      const doomedHandles = new Set(received.filter((m) => doomed.has(m.body)).map((m) => m.receiptHandle));
      proxy.setRule(
        ({ call, item }) =>
          call === 'DeleteMessageBatch' &&
          doomedHandles.has(String((item as { ReceiptHandle?: unknown }).ReceiptHandle)),
      );
      for (const message of received) await lane.changeVisibility(message.receiptHandle, 1);
      // Act
      const deletes = await Promise.allSettled(received.map((message) => lane.delete(message.receiptHandle)));
      // Assess
      const rejected = received
        .filter((_, index) => deletes[index]?.status === 'rejected')
        .map((m) => m.body);
      expect(received).toHaveLength(10);
      expect(rejected.sort()).toEqual(['m2', 'm5', 'm7']);
      expect(
        String((deletes.find((d) => d.status === 'rejected') as PromiseRejectedResult).reason),
      ).toContain('InternalError');
      expect(proxy.failedCount('DeleteMessageBatch')).toBe(3);
      const back: string[] = [];
      for (let polls = 0; polls < 10 && back.length < 3; polls++) {
        const { Messages } = await aws.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queues.bulk, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
        );
        back.push(...(Messages ?? []).map((m) => m.Body ?? ''));
      }
      expect(back.sort()).toEqual(['m2', 'm5', 'm7']);
    } finally {
      sqs.destroy();
      await proxy.close();
    }
  });
});
