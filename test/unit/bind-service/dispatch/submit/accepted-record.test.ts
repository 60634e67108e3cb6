import { describe, expect, it } from 'vitest';
import { keyedMessageId, publisherScope } from '#bind-service/dispatch/intake/derived-id.ts';
import { parseQueueMessage } from '#bind-service/dispatch/intake/queue-message.ts';
import type { MessageStore } from '#bind-service/dispatch/ports.ts';
import { createAcceptedRecord } from '#bind-service/dispatch/submit/accepted-record.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';

// The record the bind-service makes for a message published straight to SQS: it was accepted when
// it was published, not when a receive first got to it, since its validity counts from that time.

const PUBLISHED = Date.parse('2030-05-01T12:00:00.000Z');
const MINUTE_MS = 60_000;

function recordingStore(): Pick<MessageStore, 'createAccepted' | 'createAwaitingRules'> & {
  stored: MessageRecord[];
} {
  const stored: MessageRecord[] = [];
  return {
    stored,
    createAccepted: async (record) => {
      stored.push(record);
      return { created: true };
    },
    createAwaitingRules: async (record) => {
      stored.push(record);
    },
  };
}

function parsed(body: object) {
  const result = parseQueueMessage(JSON.stringify(body), { isoMode: false, maxParts: 10 });
  if (!result.ok) throw new Error('test body is invalid');
  return result;
}

describe('createAcceptedRecord', () => {
  it('when a keyed message is first received 50 minutes after its publish, then its record and the sweeper’s copy say it was accepted at the publish', async () => {
    // Prepare: an idempotency key makes an id without a time
    const body = { v: 1, to: '+79991234567', text: 'Your code 1234', idempotencyKey: 'order-42' };
    const id = keyedMessageId(publisherScope('FAKE-ROLE-ID:session'), body.idempotencyKey, body);
    const messages = recordingStore();
    // Act
    await createAcceptedRecord(
      id,
      parsed(body),
      { lane: 'urgent', sentTimestampMs: PUBLISHED },
      { messages, clock: () => new Date(PUBLISHED + 50 * MINUTE_MS) },
      { awaitingRules: true },
    );
    // Assess
    const [record] = messages.stored;
    expect(record?.createdAt).toBe('2030-05-01T12:00:00.000Z');
    expect(record && queueBodyOf(record).acceptedAt).toBe('2030-05-01T12:00:00.000Z');
  });

  it('when the body says an earlier acceptance, then the record starts then; a SentTimestamp ahead of the clock is not taken', async () => {
    // Prepare
    const messages = recordingStore();
    const told = { v: 1, to: '+79991234567', text: 'Told', acceptedAt: '2030-05-01T11:30:00.000Z' };
    const ahead = { v: 1, to: '+79991234567', text: 'Ahead' };
    const now = () => new Date(PUBLISHED);
    const idOf = (body: object, key: string) =>
      keyedMessageId(publisherScope('FAKE-ROLE-ID:session'), key, body);
    // Act
    await createAcceptedRecord(
      idOf(told, 'told'),
      parsed(told),
      { lane: 'bulk', sentTimestampMs: PUBLISHED },
      {
        messages,
        clock: now,
      },
    );
    await createAcceptedRecord(
      idOf(ahead, 'ahead'),
      parsed(ahead),
      { lane: 'bulk', sentTimestampMs: PUBLISHED + 5_000 },
      { messages, clock: now },
    );
    // Assess
    expect(messages.stored.map((record) => record.createdAt)).toEqual([
      '2030-05-01T11:30:00.000Z',
      '2030-05-01T12:00:00.000Z',
    ]);
  });
});
