import { describe, expect, it } from 'vitest';
import { MessageRepository } from '#core/aws/messages/message-repository.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { type SendMessageInput, sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import {
  messageRecords,
  mobile,
  publishRaw,
  sendLikeApi,
  startRig,
  statusIs,
  useCleanup,
  waitForEmptyQueue,
  waitForRecord,
} from './fixtures.ts';

// Several SQS messages for one send: an SDK retry of SendMessage (by a direct publisher or by the
// API) puts a second copy on the queue. Every copy must be the same message: one record, one
// SUBMIT_SM, and a copy that comes while the message is being submitted leaves its state alone.

describe('bind-service dispatch: copies of one send on the queue (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  /** Records a message `accepted` as the API does, before the service starts; returns its queue body. */
  async function recordAccepted(table: string, id: string, input: SendMessageInput) {
    const messages = new MessageRepository(aws.document, table);
    const request = sendMessageSchema.parse(input);
    const prepared = prepareMessage(request, { isoMode: false, maxParts: 10 });
    await messages.createAccepted(acceptedMessageRecord({ id, request, prepared, now: new Date() }));
    return { messages, body: JSON.stringify({ ...request, id, v: 1 }) };
  }

  it('when a direct publisher’s SendMessage is retried with its idempotencyKey, then one record is made and one SUBMIT_SM sent', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const body = JSON.stringify({
      v: 1,
      to: mobile(1),
      text: 'Order 42 shipped',
      idempotencyKey: 'order-42',
    });
    // Act: the SDK's retry after a lost SendMessage answer is a second SQS message with its own id.
    const sqsIds = [
      await publishRaw(aws, rig.queues.bulk, body),
      await publishRaw(aws, rig.queues.bulk, body),
    ];
    await waitForEmptyQueue(aws, rig.queues.bulk, 10_000);
    const [record] = await messageRecords(aws, rig.tables.messages);
    // Assess
    expect(new Set(sqsIds).size).toBe(2);
    expect(await messageRecords(aws, rig.tables.messages)).toHaveLength(1);
    const delivered = await waitForRecord(rig, record?.id ?? '', statusIs('delivered'));
    expect(delivered.history.map((h) => h.status)).toEqual([
      'accepted',
      'submitting',
      'submitted',
      'delivered',
    ]);
    expect(rig.simulator.stats.submits).toBe(1);
    expect(rig.service.stats.unknown).toBe(0);
  });

  it('when one publisher sends two messages with different idempotencyKeys, then both are sent', async () => {
    // Prepare
    const rig = await startRig(aws, defer);
    const send = (key: string, to: string) =>
      publishRaw(
        aws,
        rig.queues.bulk,
        JSON.stringify({ v: 1, to, text: 'Your parcel', idempotencyKey: key }),
      );
    // Act
    await send('parcel-1', mobile(2));
    await send('parcel-2', mobile(3));
    await waitForEmptyQueue(aws, rig.queues.bulk, 10_000);
    // Assess
    expect(await messageRecords(aws, rig.tables.messages)).toHaveLength(2);
    expect(rig.simulator.stats.submits).toBe(2);
  });

  it('when a copy of an API message arrives while the message is being submitted, then its state is left alone and it is sent once', async () => {
    // Prepare: the SMSC answers slowly, so the message is still `submitting` when the copy is read.
    const rig = await startRig(aws, defer);
    rig.simulator.fault({ type: 'slow', delayMs: 1_500, count: 1 });
    const input = { to: mobile(4), text: 'Published twice by the API' };
    // Act: the API's SendMessage retried by the SDK: two SQS messages with the same message id.
    const id = await sendLikeApi(rig, input);
    await rig.simulator.waitFor(() => rig.simulator.stats.submits === 1, 5_000);
    const request = sendMessageSchema.parse(input);
    await rig.publisher.publish('urgent', { ...request, id, v: 1 });
    const record = await waitForRecord(rig, id, statusIs('delivered', 'undelivered', 'failed'), 10_000);
    await waitForEmptyQueue(aws, rig.queues.urgent);
    // Assess
    expect(record.history.map((h) => h.status)).toEqual(['accepted', 'submitting', 'submitted', 'delivered']);
    expect(rig.simulator.stats.submits).toBe(1);
    expect(rig.service.stats.unknown).toBe(0);
    expect(rig.service.stats.redeliveriesDeleted).toBe(1);
  });

  it('when a copy arrives of a message another queue message holds the claim of, then the copy is deleted and the state left alone', async () => {
    // Prepare: another task claimed the message for the first copy and is still submitting it.
    const id = newMessageId();
    const rig = await startRig(aws, defer, {
      beforeStart: async ({ tables, queues }) => {
        const { messages, body } = await recordAccepted(tables.messages, id, {
          to: mobile(5),
          text: 'Claimed by the first copy',
        });
        await messages.claimForSubmit(id, 'the-first-copy-sqs-message-id');
        await publishRaw(aws, queues.urgent, body);
      },
    });
    // Act
    await waitForEmptyQueue(aws, rig.queues.urgent, 10_000);
    // Assess
    const record = await rig.messages.get(id);
    expect(record?.status).toBe('submitting');
    expect(record?.history.map((h) => h.status)).toEqual(['accepted', 'submitting']);
    expect(rig.simulator.stats.submits).toBe(0);
    expect(rig.service.stats.unknown).toBe(0);
    expect(rig.service.stats.redeliveriesDeleted).toBe(1);
  });

  it('when the queue message that claimed a message comes back still submitting, then the message is unknown and not sent again', async () => {
    // Prepare: its worker claimed it, then stopped before recording an answer; SQS hands it out again.
    const id = newMessageId();
    const rig = await startRig(aws, defer, {
      beforeStart: async ({ tables, queues }) => {
        const { messages, body } = await recordAccepted(tables.messages, id, {
          to: mobile(6),
          text: 'Worker stopped mid-submit',
        });
        const sqsMessageId = await publishRaw(aws, queues.urgent, body);
        await messages.claimForSubmit(id, sqsMessageId);
      },
    });
    // Act
    const record = await waitForRecord(rig, id, statusIs('unknown'), 10_000);
    // Assess
    expect(record.error?.description).toMatch(/delivered the message again/);
    expect(rig.simulator.stats.submits).toBe(0);
    await waitForEmptyQueue(aws, rig.queues.urgent);
  });
});
