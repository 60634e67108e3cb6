import { CreateQueueCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqsClient } from '#core/aws/clients.ts';
import { countDiscarded, type Discarded } from '#local/discarded.ts';
import { LOCAL_REGION } from '#local/resources.ts';
import { type SqsLocal, startSqsLocal } from '#local/sqs-local.ts';
import { startLocalStack } from '#local/start-stack.ts';
import { sharedDynamoEndpoint } from '#test/helpers/aws/shared-dynamodb-endpoint.ts';

// The local stack keeps everything in memory: a stop discards every accepted message not sent yet.
// It cannot keep them, but it must say how many (`npm start` prints discardedNotice's line), counted
// after the bind-service has drained and before DynamoDB Local and fauxqs go.

describe('what a stop of the local stack discards', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('when the stack stops with accepted messages nobody sent, then its stop counts them as discarded', {
    timeout: 45_000,
  }, async () => {
    // Prepare: no bind-service, so every accepted message stays unsent.
    const reports: Discarded[] = [];
    const stack = await startLocalStack({
      apiPort: 0,
      prefix: 'discarded',
      dynamoEndpoint: sharedDynamoEndpoint(),
      bindService: false,
      write: () => undefined,
      onDiscard: (discarded) => reports.push(discarded),
    });
    cleanups.push(() => stack.stop());
    for (const n of [1, 2]) {
      const response = await fetch(`${stack.apiUrl}/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: `+7999555000${n}`, text: `never sent ${n}` }),
      });
      expect(response.status).toBe(202);
    }
    // Act
    await stack.stop();
    // Assess
    expect(reports).toEqual([{ unsent: 2, awaitingReceipt: 0 }]);
  });

  it('when DynamoDB Local is gone, then the messages waiting in the send queues are counted instead', async () => {
    // Prepare
    const sqsLocal: SqsLocal = await startSqsLocal();
    cleanups.push(() => sqsLocal.stop());
    const sqs = createSqsClient({ region: LOCAL_REGION, endpoint: sqsLocal.endpoint });
    cleanups.push(async () => sqs.destroy());
    const queueUrls: string[] = [];
    for (const name of ['gone-urgent', 'gone-bulk']) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
      queueUrls.push(QueueUrl ?? '');
      await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{}' }));
    }
    // Act
    const discarded = await countDiscarded({
      dynamoEndpoint: 'http://127.0.0.1:9',
      sqsEndpoint: sqsLocal.endpoint,
      messagesTable: 'gone-messages',
      sendQueues: queueUrls,
      timeoutMs: 3_000,
    });
    // Assess
    expect(discarded).toEqual({ unsent: 2, awaitingReceipt: undefined });
  });
});
