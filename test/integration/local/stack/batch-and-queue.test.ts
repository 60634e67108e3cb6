import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect, it } from 'vitest';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { bodyOf, eventually, useLocalStack } from './stack-fixture.ts';

// Mass mailings and direct queue publishing end to end. The account rate is raised to 1000 msg/s
// (simulator and bind-service alike) so a batch of 1000 takes seconds, not the provider's 33 s.

const BATCH_SIZE = 1000;

interface BatchView {
  batchId: string;
  total: number;
  counts: Record<string, number>;
}

describe('batches and direct SQS publishing on the local stack', () => {
  const fixture = useLocalStack({
    // A thousand messages: a database of its own, as before the run shared one, so the time
    // limit below measures this stack and not what earlier test files left in the shared JVM.
    ownDynamo: true,
    env: { SMPP_THROUGHPUT: '1000', SMPP_WINDOW: '300' },
    simulator: { receiptDelayMs: 20 },
  });

  // A liveness bound, not a speed target: all delivered after 17 s on a quiet 2-core machine (47 s
  // with another test file running beside it); 60 s ran out on 2026-12-03 with the host stealing
  // 17% of the CPU on average.
  const DELIVERY_BOUND_MS = 110_000;
  it('when a batch of 1000 is POSTed, then every message is delivered', {
    timeout: DELIVERY_BOUND_MS + 20_000,
  }, async () => {
    // Prepare
    const to = Array.from({ length: BATCH_SIZE }, (_, i) => `+7999100${String(i).padStart(4, '0')}`);
    const started = performance.now();
    // Act
    const response = await fixture.post('/v1/batches', { to, text: 'Batch message' });
    const accepted = await bodyOf<{ batchId: string; accepted: number; rejected: unknown[] }>(response);
    const acceptedMs = performance.now() - started;
    let view: BatchView | undefined;
    const deadline = Date.now() + DELIVERY_BOUND_MS;
    while (Date.now() < deadline) {
      const answer = await fixture.get(`/v1/batches/${accepted.batchId}`);
      view = answer.status === 200 ? await bodyOf<BatchView>(answer) : undefined;
      if (answer.status !== 200) await answer.arrayBuffer();
      if (view?.counts.delivered === BATCH_SIZE) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const deliveredMs = performance.now() - started;
    // Assess
    expect(response.status).toBe(202);
    expect(accepted).toMatchObject({ accepted: BATCH_SIZE, rejected: [] });
    expect(view).toMatchObject({ total: BATCH_SIZE, counts: { delivered: BATCH_SIZE } });
    expect(fixture.sim.messages).toHaveLength(BATCH_SIZE);
    // A figure for the report, not an assertion: it depends on the machine.
    console.log(
      `batch of ${BATCH_SIZE}: accepted in ${Math.round(acceptedMs)} ms, all delivered after ${Math.round(deliveredMs)} ms; ` +
        `simulator throttled ${fixture.sim.stats.throttled}`,
    );
  });

  it('when a message without an id is published straight to the queue, then a record appears and is delivered', async () => {
    // Prepare
    const body = { v: 1, to: '+79997770001', text: 'Straight from SQS', clientRef: 'direct-1' };
    // Act
    await fixture.sqs.send(
      new SendMessageCommand({ QueueUrl: fixture.stack.queues.urgent, MessageBody: JSON.stringify(body) }),
    );
    let id: string | undefined;
    const deadline = Date.now() + 5_000;
    while (id === undefined && Date.now() < deadline) {
      const items = await fixture.items(fixture.stack.tables.messages, 'MSG#');
      id = items.find((item) => item.clientRef === 'direct-1')?.id as string | undefined;
      if (id === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Assess
    expect(id).toBeDefined();
    const message = await fixture.settled(id ?? '', 5_000);
    expect(message).toMatchObject({
      status: 'delivered',
      to: '+79997770001',
      cost: '1.5000',
      mccmnc: '25001',
    });
    expect(fixture.sim.messages.filter((m) => m.destination === '79997770001').map((m) => m.text)).toEqual([
      'Straight from SQS',
    ]);
  });

  it('when an invalid message is published to the queue, then it is not sent, ends in the dead-letter queue, and its rejected event reaches the consumers', async () => {
    // Prepare
    const id = newMessageId();
    const body = { v: 1, id, to: '+7999', text: 'Bad number' };
    const before = fixture.sim.stats.submits;
    // Act
    await fixture.sqs.send(
      new SendMessageCommand({ QueueUrl: fixture.stack.queues.bulk, MessageBody: JSON.stringify(body) }),
    );
    const deadline = Date.now() + 5_000;
    let dead = 0;
    while (dead === 0 && Date.now() < deadline) {
      dead = await fixture.queueDepth(fixture.stack.queues.bulkDlq);
      if (dead === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await eventually(
      async () => fixture.events.events.some((event) => event.id === id),
      5_000,
      'the rejected message’s event',
    );
    // Assess
    expect(dead).toBe(1);
    expect(fixture.sim.stats.submits).toBe(before);
    expect(fixture.events.events.filter((event) => event.id === id)).toEqual([
      expect.objectContaining({
        status: 'rejected',
        previousStatus: 'accepted',
        sequence: 2,
        error: expect.objectContaining({ code: 'invalid_phone_number' }),
      }),
    ]);
  });
});
