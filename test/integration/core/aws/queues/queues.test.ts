import { type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSqsClient } from '#core/aws/clients.ts';
import { QueuePublishError } from '#core/aws/errors.ts';
import { QueuePublisher } from '#core/aws/queues/queue-publisher.ts';
import { QUEUES, type QueueNames } from '#core/aws/resources/resource-definitions.ts';
import { ItemFaultProxy } from '#test/helpers/aws/item-fault-proxy.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';

describe('QueuePublisher and the local queues (fauxqs)', () => {
  const aws = useLocalAws({ sqs: true });
  let queues: QueueNames;
  let publisher: QueuePublisher;

  beforeEach(async () => {
    queues = await aws.freshQueues();
    publisher = new QueuePublisher(aws.sqs, queues, { backoff: { baseMs: 1, capMs: 5 } });
  });

  /** Receives until `expected` messages came (bounded); the queues' own default is a 20 s long poll. */
  async function drain(queueUrl: string, expected: number): Promise<Message[]> {
    const messages: Message[] = [];
    for (let polls = 0; polls < 20 && messages.length < expected; polls++) {
      const { Messages } = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      messages.push(...(Messages ?? []));
    }
    return messages;
  }

  async function receiveNow(queueUrl: string): Promise<Message[]> {
    const { Messages } = await aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    return Messages ?? [];
  }

  it('when a batch of 25 is published, then 25 messages land on that lane only, bodies intact', async () => {
    // Prepare
    const bodies = Array.from({ length: 25 }, (_, i) => ({
      id: `m${i}`,
      to: '+37255512345',
      text: `hi ${i}`,
    }));
    // Act
    const ids = await publisher.publishBatch('bulk', bodies);
    // Assess
    expect(new Set(ids).size).toBe(25);
    const received = await drain(queues.bulk, 25);
    expect(received.map((m) => JSON.parse(m.Body ?? '{}').id).sort()).toEqual(bodies.map((b) => b.id).sort());
    expect(await receiveNow(queues.urgent)).toEqual([]);
  });

  it('when one message is published urgently, then a long poll on the urgent queue receives it', async () => {
    // Prepare
    const receiving = aws.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queues.urgent, WaitTimeSeconds: 5 }),
    );
    // Act
    const id = await publisher.publish('urgent', { id: 'm1' });
    // Assess
    const { Messages } = await receiving;
    expect(Messages?.map((m) => [m.MessageId, m.Body])).toEqual([[id, '{"id":"m1"}']]);
  });

  it('when entries are refused for good, then QueuePublishError names them and the rest are sent', async () => {
    // Prepare: a body over the queue's 256 KiB limit is a sender fault that no retry fixes.
    const tooLarge = { text: 'x'.repeat(QUEUES.bulk.maxMessageSizeBytes + 1) };
    const bodies = [{ id: 'ok-0' }, tooLarge, { id: 'ok-2' }];
    // Act
    const result = publisher.publishBatch('bulk', bodies);
    // Assess
    const error = await result.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueuePublishError);
    expect((error as QueuePublishError).failures.map((f) => f.index)).toEqual([1]);
    const received = await drain(queues.bulk, 2);
    expect(received.map((m) => JSON.parse(m.Body ?? '{}').id).sort()).toEqual(['ok-0', 'ok-2']);
  });

  it('when SQS fails entries for a passing reason, then they are sent again and each message lands once', async () => {
    // Prepare: a proxy fails each entry's first two sends (InternalError, not the sender's fault).
    const proxy = new ItemFaultProxy(aws.sqsEndpoint);
    const sqs = createSqsClient({ region: aws.region, endpoint: await proxy.listen() });
    const sends = new Map<string, number>();
    proxy.setRule(({ item }) => {
      const body = String((item as { MessageBody?: unknown }).MessageBody);
      sends.set(body, (sends.get(body) ?? 0) + 1);
      return (sends.get(body) ?? 0) <= 2;
    });
    const bodies = Array.from({ length: 15 }, (_, i) => ({ id: `m${i}` }));
    try {
      // Act
      const ids = await new QueuePublisher(sqs, queues, { backoff: { baseMs: 1, capMs: 5 } }).publishBatch(
        'bulk',
        bodies,
      );
      // Assess
      expect(proxy.failedCount('SendMessageBatch')).toBe(30);
      expect(new Set(ids).size).toBe(15);
      const received = await drain(queues.bulk, 15);
      expect(received.map((m) => JSON.parse(m.Body ?? '{}').id).sort()).toEqual(
        bodies.map((b) => b.id).sort(),
      );
      expect(await receiveNow(queues.bulk)).toEqual([]);
    } finally {
      sqs.destroy();
      await proxy.close();
    }
  });

  it('when bodies carry emoji and other characters beyond U+FFFF, then the local queue takes them as SQS does', async () => {
    // Prepare: AWS SQS allows #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF
    const text = 'Hi 😀 𝄞 👍🏽 — 你好';
    // Act
    await publisher.publish('urgent', { id: 'single', text });
    await publisher.publishBatch('bulk', [
      { id: 'batch-0', text },
      { id: 'batch-1', text: '🎉' },
    ]);
    // Assess
    const [single] = await drain(queues.urgent, 1);
    expect(JSON.parse(single?.Body ?? '{}')).toEqual({ id: 'single', text });
    const batch = await drain(queues.bulk, 2);
    expect(batch.map((m) => JSON.parse(m.Body ?? '{}').text).sort()).toEqual([text, '🎉'].sort());
  });

  it('when a body carries a character SQS refuses (U+FFFF), then the local queue refuses it too', async () => {
    // Prepare: JSON.stringify leaves U+FFFF as it is (it escapes only controls and lone surrogates)
    const body = { id: 'bad', text: 'a\uFFFFb' };
    // Act
    const error = await publisher.publish('urgent', body).catch((e: unknown) => e);
    // Assess
    expect(error).toMatchObject({ name: expect.stringMatching(/InvalidMessageContents$/) });
    expect(await receiveNow(queues.urgent)).toEqual([]);
  });

  it('when a message is received maxReceiveCount times without delete, then it moves to the DLQ', async () => {
    // Prepare: the redrive is a backstop only, at SQS's maximum (valid messages are given back with
    // a growing pause and end expired; invalid ones are dead-lettered by the bind-service itself).
    await publisher.publish('urgent', { id: 'poison' });
    let received = 0;
    // Act: receive and hand back at once, as a consumer that crashes on it every time would.
    for (let receive = 0; receive < QUEUES.urgent.maxReceiveCount; receive++) {
      const { Messages } = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queues.urgent, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
      );
      received += Messages?.length ?? 0;
    }
    // Assess
    expect(QUEUES.urgent.maxReceiveCount).toBe(1_000);
    expect(received).toBe(QUEUES.urgent.maxReceiveCount);
    expect(await receiveNow(queues.urgent)).toEqual([]);
    const [dead] = await drain(queues.urgentDlq, 1);
    expect(dead?.Body).toBe('{"id":"poison"}');
  }, 60_000);
});
