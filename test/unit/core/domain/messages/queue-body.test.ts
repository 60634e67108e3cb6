import { describe, expect, it } from 'vitest';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';
import { queueMessageSchema, sendMessageSchema } from '#core/domain/requests/message-schema.ts';

// The queue body is rebuilt from the stored record (first enqueue, retries, the sweeper): it must
// make the bind-service prepare exactly what the API prepared and announced in its 202.

const OPTIONS = { isoMode: false, maxParts: 10 };

describe('queueBodyOf', () => {
  it('when a binary message with a UDH is stored, then its queue body prepares the same 8-bit parts with that UDH', () => {
    // Prepare
    const request = sendMessageSchema.parse({
      to: '+79991234567',
      encoding: 'binary',
      udh: '0605040B8423F0',
      text: 'AB'.repeat(200),
    });
    const prepared = prepareMessage(request, OPTIONS);
    const record = acceptedMessageRecord({
      id: '01JZ0000000000000000000001',
      request,
      prepared,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    // Act
    const body = queueMessageSchema.parse(queueBodyOf(record));
    const again = prepareMessage(body, OPTIONS);
    // Assess
    expect(body).toMatchObject({ encoding: 'binary', udh: '0605040B8423F0' });
    expect(again).toMatchObject({ encoding: 'binary', dataCoding: 4, parts: prepared.parts });
    expect(again.binary?.udh).toEqual(Buffer.from('0605040B8423F0', 'hex'));
  });
});
