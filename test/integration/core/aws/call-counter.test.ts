import { CreateQueueCommand, ListQueuesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countAwsCalls } from '#core/aws/call-counter.ts';
import { createSqsClient } from '#core/aws/clients.ts';
import { type SqsLocal, startSqsLocal } from '#local/sqs-local.ts';

// The counter on a real SDK client against fauxqs: what the benchmark's processes count.
describe('countAwsCalls', () => {
  let sqsLocal: SqsLocal;
  beforeAll(async () => {
    sqsLocal = await startSqsLocal();
  });
  afterAll(async () => {
    await sqsLocal.stop();
  });

  it('when counting is on before a client is built, then each of its calls is counted by command', async () => {
    // Prepare
    const counter = countAwsCalls();
    const sqs = createSqsClient({ region: 'us-east-1', endpoint: sqsLocal.endpoint });
    const before = counter.snapshot();
    try {
      // Act
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'counted' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'two' }));
      await sqs.send(new ListQueuesCommand({}));
      // Assess
      const after = counter.snapshot();
      expect(after.calls['SQS.CreateQueue']).toBe((before.calls['SQS.CreateQueue'] ?? 0) + 1);
      expect(after.calls['SQS.SendMessage']).toBe((before.calls['SQS.SendMessage'] ?? 0) + 2);
      expect(after.calls['SQS.ListQueues']).toBe((before.calls['SQS.ListQueues'] ?? 0) + 1);
      expect(after.attempts - before.attempts).toBe(4);
    } finally {
      sqs.destroy();
    }
  });

  it('when a call fails, then it is counted all the same', async () => {
    // Prepare
    const counter = countAwsCalls();
    const sqs = createSqsClient({ region: 'us-east-1', endpoint: sqsLocal.endpoint, maxAttempts: 1 });
    const before = counter.snapshot().calls['SQS.SendMessage'] ?? 0;
    try {
      // Act
      const sent = sqs.send(
        new SendMessageCommand({ QueueUrl: `${sqsLocal.endpoint}/000000000000/missing`, MessageBody: 'x' }),
      );
      // Assess
      await expect(sent).rejects.toThrow();
      expect(counter.snapshot().calls['SQS.SendMessage']).toBe(before + 1);
    } finally {
      sqs.destroy();
    }
  });
});
