import { describe, expect, it } from 'vitest';
import { rejectedRecordBase } from '#bind-service/dispatch/intake/malformed.ts';
import { dedupeKey, messageStatusChangedSchema } from '#core/domain/events/message-status-changed.ts';
import { rejectedOnArrival } from '#core/domain/messages/message-model.ts';
import { statusChangeOf, UnreadableImageError } from '#lambdas/status-stream/status-event.ts';
import {
  deliveredRecord,
  MESSAGE_ID,
  messageItem,
  messageRecord,
  statusRecord,
  streamRecord,
} from './records.ts';

describe('statusChangeOf', () => {
  it('when the callback worker records an attempt on the message, then that write is no status change (no event, no callback loop)', () => {
    // Prepare
    const delivered = messageRecord({ status: 'delivered', callbackUrl: 'https://hooks.example.com/sms' });
    const record = streamRecord('MODIFY', {
      old: messageItem(delivered),
      new: messageItem({
        ...delivered,
        callback: {
          attempts: 1,
          lastStatus: 503,
          lastAt: '2025-01-01T00:00:02.000Z',
          outcome: 'retrying',
          forStatus: 'delivered',
        },
      }),
    });
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change).toBeUndefined();
  });

  it('when a message moves from submitted to delivered, then the event carries the new state, the old status and the account', () => {
    // Prepare
    const report = {
      messageType: 'sms' as const,
      template: true,
      templateType: 'transactional' as const,
      paidFromSecondBalance: false,
      parts: 1,
      submittedParts: 1,
      deliveredParts: 1,
      submitDate: '2025-01-01T00:00:00.000Z',
      doneDate: '2025-01-01T00:01:00.000Z',
    };
    const record = deliveredRecord({
      clientRef: 'order-7',
      batchId: 'b_01JZ0000000000000000000009',
      account: 'marketing',
      report,
    });
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change).toEqual({
      event: {
        schemaVersion: 1,
        id: MESSAGE_ID,
        status: 'delivered',
        previousStatus: 'submitted',
        sequence: 3,
        kind: 'sms',
        to: '+79991234567',
        clientRef: 'order-7',
        batchId: 'b_01JZ0000000000000000000009',
        account: 'marketing',
        parts: 1,
        smscIds: ['100000'],
        error: null,
        cost: '1.5',
        mccmnc: '25001',
        read: false,
        clicked: false,
        hlr: null,
        report,
        at: '2025-01-01T00:00:01.000Z',
      },
    });
  });

  it('when the message has a callback URL, then the change carries it beside the event', () => {
    // Prepare
    const record = deliveredRecord({ callbackUrl: 'https://hooks.example.com/sms?token=x' });
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change?.callbackUrl).toBe('https://hooks.example.com/sms?token=x');
    expect(change?.event).not.toHaveProperty('callbackUrl');
  });

  it('when a delivered message is read, then the flag change is an event with the same status on both sides', () => {
    // Prepare
    const record = statusRecord({ status: 'delivered' }, { read: true });
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change?.event).toMatchObject({ status: 'delivered', previousStatus: 'delivered', read: true });
  });

  it('when a failed submit carries an error, then the event carries its code, name and description', () => {
    // Prepare
    const error = { code: 'submit_refused', name: 'Refused', description: 'The SMSC refused the message' };
    const record = statusRecord({ status: 'submitting' }, { status: 'failed', error });
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change?.event).toMatchObject({ status: 'failed', previousStatus: 'submitting', error });
  });

  it('when an HLR answer arrives, then its fields are in the event', () => {
    // Prepare
    const hlr = { imsi: '250010000000000', mcc: '250', mnc: '01' };
    const record = statusRecord({ kind: 'hlr', text: undefined }, { status: 'delivered', hlr });
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change?.event).toMatchObject({ kind: 'hlr', hlr });
  });

  it.each([
    ['claimed for submit', { status: 'accepted' as const }, { status: 'submitting' as const }],
    ['its claim released', { status: 'submitting' as const }, { status: 'accepted' as const }],
    ['written without a status or flag change', { status: 'delivered' as const }, { cost: '3.0' }],
    ['read again', { status: 'delivered' as const, read: true }, { read: true }],
  ])('when a message is %s, then there is no event', (_, before, after) => {
    // Prepare
    const record = statusRecord(before, after);
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change).toBeUndefined();
  });

  it('when the record is an INSERT or a REMOVE, then there is no event', () => {
    // Prepare
    const item = messageItem(messageRecord({ status: 'accepted' }));
    const inserted = streamRecord('INSERT', { new: item });
    const removed = streamRecord('REMOVE', { old: item });
    // Act
    const changes = [statusChangeOf(inserted), statusChangeOf(removed)];
    // Assess
    expect(changes).toEqual([undefined, undefined]);
  });

  it('when a record is inserted already rejected (an invalid queue message), then that is its move from accepted: one event, sequence 2', () => {
    // Prepare
    const error = { code: 'invalid_phone_number', name: 'Invalid queue message', description: 'to: bad' };
    const rejected = messageRecord({
      status: 'rejected',
      history: [
        { status: 'accepted', at: '2025-01-01T00:00:00.000Z' },
        { status: 'rejected', at: '2025-01-01T00:00:00.000Z' },
      ],
      smscIds: [],
      error,
      updatedAt: '2025-01-01T00:00:00.000Z',
    });
    const inserted = streamRecord('INSERT', { new: messageItem(rejected) });
    // Act
    const change = statusChangeOf(inserted);
    // Assess
    expect(change?.event).toMatchObject({
      status: 'rejected',
      previousStatus: 'accepted',
      sequence: 2,
      error,
      at: '2025-01-01T00:00:00.000Z',
    });
  });

  it('when the item is not a message (an SMSC lookup), then there is no event', () => {
    // Prepare
    const record = streamRecord('MODIFY', {
      old: { pk: 'SMSC#100000', expiresAt: 1 },
      new: { pk: 'SMSC#100000', messageId: MESSAGE_ID, expiresAt: 1 },
    });
    // Act
    const change = statusChangeOf(record);
    // Assess
    expect(change).toBeUndefined();
  });

  it('when a message is delivered and then read, then each event has a larger sequence and its own dedupe key', () => {
    // Prepare
    const submitted = messageRecord();
    const delivered = {
      ...submitted,
      status: 'delivered' as const,
      history: [...submitted.history, { status: 'delivered' as const, at: '2025-01-01T00:00:01.000Z' }],
      updatedAt: '2025-01-01T00:00:01.000Z',
    };
    const read = { ...delivered, read: true, updatedAt: '2025-01-01T00:00:05.000Z' };
    // Act
    const first = statusChangeOf(
      streamRecord('MODIFY', { old: messageItem(submitted), new: messageItem(delivered) }),
    );
    const second = statusChangeOf(
      streamRecord('MODIFY', { old: messageItem(delivered), new: messageItem(read) }),
    );
    const again = statusChangeOf(
      streamRecord('MODIFY', { old: messageItem(delivered), new: messageItem(read) }),
    );
    // Assess
    expect([first?.event.sequence, second?.event.sequence]).toEqual([4, 5]);
    expect(first && second && dedupeKey(first.event) !== dedupeKey(second.event)).toBe(true);
    expect(again && second && dedupeKey(again.event)).toBe(second && dedupeKey(second.event));
  });

  it('when an event is built, then it is exactly what the published schema accepts', () => {
    // Prepare
    const record = statusRecord(
      { status: 'submitted' },
      { status: 'undelivered', updatedAt: '2025-01-01T00:00:03.000Z' },
    );
    // Act
    const event = statusChangeOf(record)?.event;
    // Assess
    expect(messageStatusChangedSchema.strict().parse(event)).toEqual(event);
  });

  it('when the record cannot make a valid event (a time that is not ISO 8601), then it is refused, not sent', () => {
    // Prepare
    const record = statusRecord({ status: 'submitted' }, { status: 'delivered', updatedAt: 'yesterday' });
    // Act
    const build = () => statusChangeOf(record);
    // Assess
    expect(build).toThrow(UnreadableImageError);
  });

  it('when a queue message without text names a valid https callbackUrl, then its rejected change carries that URL (one POST per event)', () => {
    // Prepare: what the bind-service writes for it (malformed.ts), in one put
    const raw = {
      id: '01JZ0000000000000000000009',
      to: '+79991234567',
      callbackUrl: 'https://hooks.example.com/sms',
    };
    const base = rejectedRecordBase(raw.id, raw, 'urgent', new Date('2025-01-01T00:00:00.000Z'));
    const record = rejectedOnArrival(base, {
      code: 'required',
      name: 'Invalid queue message',
      description: 'text: is required',
    });
    // Act
    const change = statusChangeOf(streamRecord('INSERT', { new: messageItem(record) }));
    // Assess: before, EventBridge got the event and the sender's callback never came
    expect(change?.event.status).toBe('rejected');
    expect(change?.callbackUrl).toBe('https://hooks.example.com/sms');
  });
});
