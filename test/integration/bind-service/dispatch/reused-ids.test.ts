import { describe, expect, it } from 'vitest';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { maskPhoneNumber } from '#core/domain/requests/recipient-mask.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import {
  mobile,
  publishRaw,
  queueDepth,
  type Rig,
  receiveAll,
  startRig,
  statusIs,
  useCleanup,
  waitForEmptyQueue,
  waitForRecord,
} from './fixtures.ts';

// A message's `id` is the message, whoever publishes it (README, "De-duplication of direct
// publishes"). A direct publisher that reuses an id for ANOTHER message (another recipient or text,
// or a rejected message it fixed) must see that message refused: `id_reused` on the lane's DLQ, a
// warn line, nothing sent, and the record of the message the id names left as it was. A true copy
// (the same body again, the API's or the sweeper's body rebuilt from the record) is still deleted
// quietly, as one message sent once.

describe('bind-service dispatch: one id published for two messages (DynamoDB Local, fauxqs, simulator)', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  /** The simulator keeps each SUBMIT_SM's addresses. */
  const RECORDING = { simulator: { record: true } };
  const sentTo = (rig: Rig, to: string) =>
    rig.simulator.submissions.filter((s) => s.destination.endsWith(to.slice(1))).length;
  const refusalLine = (rig: Rig) =>
    rig.logs.find((line) => line.level === 'warn' && line.code === 'id_reused');
  const quietDrop = (rig: Rig) => rig.logs.find((line) => String(line.msg).startsWith('copy or redelivery'));
  /** The accepted record a queue message makes, written as an earlier receive (or the API) left it. */
  const createRecordOf = async (rig: Rig, body: { id: string; to: string; text: string }) => {
    const request = sendMessageSchema.parse({ to: body.to, text: body.text });
    const prepared = prepareMessage(request, rig.config.prepare);
    const account = rig.config.accounts[0].name;
    await rig.messages.createAccepted(
      acceptedMessageRecord({ id: body.id, request, prepared, account, now: new Date() }),
    );
  };
  /** The record as a test compares it: everything but what a later receipt may still add. */
  const unchangedPart = (record: MessageRecord | undefined) => ({
    to: record?.to,
    text: record?.text,
    status: record?.status,
    history: record?.history.map((change) => change.status),
    error: record?.error,
  });

  it('when a publisher reuses the id of a sent message for another recipient and text, then the second is dead-lettered id_reused, not sent, and the first record is left as it was', async () => {
    // Prepare: the first message, sent and delivered under its publisher's own id.
    const rig = await startRig(aws, defer, RECORDING);
    const id = newMessageId();
    const first = { v: 1, id, to: mobile(1), text: 'Order shipped' };
    await publishRaw(aws, rig.queues.urgent, JSON.stringify(first));
    const before = await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    // Act: another message under the same id.
    const second = JSON.stringify({ v: 1, id, to: mobile(2), text: 'Order delivered, rate us' });
    const sqsMessageId = await publishRaw(aws, rig.queues.urgent, second);
    await waitForEmptyQueue(aws, rig.queues.urgent, 10_000);
    const dead = await receiveAll(aws, rig.queues.urgentDlq, 1);
    const after = await rig.messages.get(id);
    const line = refusalLine(rig);
    // Assess: refused visibly, with the reason on its DLQ entry and in a warn line.
    expect(dead.map((entry) => entry.Body)).toEqual([second]);
    const attributes = dead[0]?.MessageAttributes;
    expect(attributes?.errorCode?.StringValue).toBe('id_reused');
    expect(attributes?.messageId?.StringValue).toBe(id);
    expect(attributes?.sqsMessageId?.StringValue).toBe(sqsMessageId);
    expect(attributes?.errorDescription?.StringValue).toMatch(/already names another message/);
    expect(attributes?.errorDescription?.StringValue).toMatch(/under a new id/);
    expect(line).toMatchObject({ id, sqsMessageId, lane: 'urgent', to: maskPhoneNumber(mobile(2)) });
    expect(JSON.stringify(line)).not.toContain(mobile(2).slice(1));
    expect(JSON.stringify(line)).not.toContain(mobile(1).slice(1));
    expect(quietDrop(rig)).toBeUndefined();
    // Nothing sent for the second; the first's record is as it was.
    expect(sentTo(rig, mobile(2))).toBe(0);
    expect(rig.simulator.stats.submits).toBe(1);
    expect(unchangedPart(after)).toEqual(unchangedPart(before));
    expect(rig.service.stats).toMatchObject({ rejected: 1, redeliveriesDeleted: 0, unknown: 0 });
  }, 40_000);

  it('when a message rejected for a bad `to` is fixed and published again under its id, then the fix is dead-lettered id_reused asking for a new id, and the record still says why the first was rejected', async () => {
    // Prepare: the publisher forgot the `+` (refused), and keeps the id for the fixed message.
    const rig = await startRig(aws, defer, RECORDING);
    const id = newMessageId();
    await publishRaw(
      aws,
      rig.queues.urgent,
      JSON.stringify({ v: 1, id, to: '79993330003', text: 'Code 4321' }),
    );
    const rejected = await waitForRecord(rig, id, statusIs('rejected'), 10_000);
    const firstDead = await receiveAll(aws, rig.queues.urgentDlq, 1);
    // Act: the fixed body, under the same id.
    const fixed = JSON.stringify({ v: 1, id, to: '+79993330003', text: 'Code 4321' });
    await publishRaw(aws, rig.queues.urgent, fixed);
    await waitForEmptyQueue(aws, rig.queues.urgent, 10_000);
    const dead = await receiveAll(aws, rig.queues.urgentDlq, 1);
    const after = await rig.messages.get(id);
    // Assess: each has its DLQ entry; the second's says the id is taken, by a rejected message.
    expect(rejected.error?.code).toBe('invalid_phone_number');
    expect(firstDead.map((entry) => entry.MessageAttributes?.errorCode?.StringValue)).toEqual([
      'invalid_phone_number',
    ]);
    expect(dead.map((entry) => entry.Body)).toEqual([fixed]);
    expect(dead[0]?.MessageAttributes?.errorCode?.StringValue).toBe('id_reused');
    expect(dead[0]?.MessageAttributes?.errorDescription?.StringValue).toMatch(
      /rejected.*publish the corrected message under a new id/,
    );
    expect(refusalLine(rig)).toMatchObject({ id, to: maskPhoneNumber('+79993330003') });
    expect(rig.simulator.stats.submits).toBe(0);
    expect(unchangedPart(after)).toEqual(unchangedPart(rejected));
  }, 40_000);

  it('when two messages with one id and other recipients are on the queue at once, then one is sent under its own record and the other is dead-lettered id_reused', async () => {
    // Prepare: both waiting before the service starts, so one receive may take them together.
    const id = newMessageId();
    const bodies = [
      JSON.stringify({ v: 1, id, to: mobile(3), text: 'First of two' }),
      JSON.stringify({ v: 1, id, to: mobile(4), text: 'Second of two' }),
    ];
    const rig = await startRig(aws, defer, {
      ...RECORDING,
      beforeStart: async ({ queues }) => {
        await Promise.all(bodies.map((body) => publishRaw(aws, queues.bulk, body)));
      },
    });
    // Act
    await waitForEmptyQueue(aws, rig.queues.bulk, 10_000);
    const dead = await receiveAll(aws, rig.queues.bulkDlq, 1);
    const record = await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    // Assess: the record names the one recipient sent to; the other body is on the DLQ.
    expect(rig.simulator.submissions.map((s) => `+${s.destination.replace(/^\+/, '')}`)).toEqual([record.to]);
    expect(dead.map((entry) => entry.MessageAttributes?.errorCode?.StringValue)).toEqual(['id_reused']);
    const deadBody = JSON.parse(dead[0]?.Body ?? '{}') as { to?: string; text?: string };
    expect(deadBody.to).not.toBe(record.to);
    expect(bodies.map((body) => JSON.parse(body).to).sort()).toEqual([deadBody.to, record.to].sort());
  }, 40_000);

  it('when the id names a record still accepted and unclaimed (the first message put off), then another message under it is dead-lettered id_reused and the first is still sent under its record', async () => {
    // Prepare: the first message's record, made by an earlier receive whose send was put off and
    // given back (or by the API): accepted, unclaimed, its queue message not back yet.
    const rig = await startRig(aws, defer, RECORDING);
    const id = newMessageId();
    const first = { v: 1, id, to: mobile(7), text: 'Parcel ready for pickup' };
    await createRecordOf(rig, first);
    // Act: another message under the id comes first, then the first message again.
    const second = JSON.stringify({ v: 1, id, to: mobile(8), text: 'Parcel delayed' });
    await publishRaw(aws, rig.queues.urgent, second);
    await waitForEmptyQueue(aws, rig.queues.urgent, 10_000);
    const dead = await receiveAll(aws, rig.queues.urgentDlq, 1);
    await publishRaw(aws, rig.queues.urgent, JSON.stringify(first));
    const record = await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    // Assess: the second refused and never sent; the first sent once, to its own recipient.
    expect(dead.map((entry) => entry.Body)).toEqual([second]);
    expect(dead[0]?.MessageAttributes?.errorCode?.StringValue).toBe('id_reused');
    expect(dead[0]?.MessageAttributes?.errorDescription?.StringValue).toMatch(/its to, text differ/);
    expect(sentTo(rig, mobile(8))).toBe(0);
    expect(sentTo(rig, mobile(7))).toBe(1);
    expect(rig.simulator.stats.submits).toBe(1);
    expect(record).toMatchObject({ to: mobile(7), text: first.text });
    expect(rig.service.stats).toMatchObject({ rejected: 1, redeliveriesDeleted: 0 });
  }, 40_000);

  it('when the same body with an id is published twice, then it is sent once and the copy deleted quietly', async () => {
    // Prepare
    const rig = await startRig(aws, defer, RECORDING);
    const id = newMessageId();
    const body = JSON.stringify({ v: 1, id, to: mobile(5), text: 'Published twice' });
    await publishRaw(aws, rig.queues.urgent, body);
    await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    // Act: the SDK's retry of SendMessage, or a `dlq redrive` copy: the same body again.
    await publishRaw(aws, rig.queues.urgent, body);
    await waitForEmptyQueue(aws, rig.queues.urgent, 10_000);
    // Assess
    expect(rig.simulator.stats.submits).toBe(1);
    expect(await queueDepth(aws, rig.queues.urgentDlq)).toBe(0);
    expect(refusalLine(rig)).toBeUndefined();
    expect(quietDrop(rig)).toBeDefined();
    expect(rig.service.stats).toMatchObject({ redeliveriesDeleted: 1, rejected: 0 });
  }, 40_000);

  it('when the sweeper re-publishes the body of an API record with every optional field, then the copy compares equal and is deleted quietly', async () => {
    // Prepare: a record as the API writes it (every field a caller may give), already sent.
    const rig = await startRig(aws, defer, RECORDING);
    const id = newMessageId();
    const request = sendMessageSchema.parse({
      to: mobile(6),
      text: 'Caf\u0065\u0301 opens at 9',
      from: 'Shop',
      kind: 'sms',
      comment: 'order 42',
      priority: 'bulk',
      encoding: 'ucs2',
      validityMinutes: 90,
      clientRef: 'order-42',
      callbackUrl: 'https://example.com/hooks/sms',
      account: rig.config.accounts[0].name,
    });
    const prepared = prepareMessage(request, rig.config.prepare);
    const account = rig.config.accounts[0].name;
    await rig.messages.createAccepted(
      acceptedMessageRecord({ id, request, prepared, account, now: new Date() }),
    );
    const stored = await rig.messages.get(id);
    if (!stored) throw new Error('the record was not written');
    await rig.publisher.publish('bulk', queueBodyOf(stored));
    await waitForRecord(rig, id, statusIs('delivered'), 10_000);
    // Act: the sweeper's copy, rebuilt from the record, comes again.
    await rig.publisher.publish('bulk', queueBodyOf(stored));
    await waitForEmptyQueue(aws, rig.queues.bulk, 10_000);
    // Assess
    expect(rig.simulator.stats.submits).toBe(1);
    expect(await queueDepth(aws, rig.queues.bulkDlq)).toBe(0);
    expect(refusalLine(rig)).toBeUndefined();
    expect(rig.service.stats).toMatchObject({ redeliveriesDeleted: 1, rejected: 0 });
  }, 40_000);
});
