import { describe, expect, it } from 'vitest';
import { keyedMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import {
  acceptedAtMs,
  validityLeftSeconds,
  validityPassedError,
} from '#bind-service/dispatch/submit/expiry.ts';
import { messageIdGenerator } from '#core/domain/messages/message-id.ts';

describe('acceptedAtMs', () => {
  const accepted = Date.parse('2030-05-01T12:00:00.000Z');
  const sent = accepted + 2_000;

  it('when the id was made at acceptance (API, or derived from the SQS message), then its time counts', () => {
    // Act / Assess
    expect(acceptedAtMs(messageIdGenerator()(accepted), sent)).toBe(accepted);
  });

  it('when a publisher’s id is dated after SQS got the message (a clock ahead, a made-up id), then SentTimestamp counts', () => {
    // Prepare
    const dayLater = sent + 86_400_000;
    // Act / Assess: the id's time would keep the message valid a day past its validity.
    expect(acceptedAtMs(messageIdGenerator()(dayLater), sent)).toBe(sent);
  });

  it('when the id was derived from an idempotency key, then SQS’s SentTimestamp stands in', () => {
    // Act / Assess
    expect(acceptedAtMs(keyedMessageId('FAKE-ROLE-ID', 'order-42', { text: 'Hi' }), sent)).toBe(sent);
  });

  it('when a keyed message’s body says when it was accepted (the sweeper’s copy), then the earlier of that and SentTimestamp counts', () => {
    // Prepare
    const id = keyedMessageId('FAKE-ROLE-ID', 'order-42', { text: 'Hi' });
    const tenMinutesLater = sent + 600_000;
    // Act / Assess: a later copy keeps the first acceptance; a claim of a later time changes nothing.
    expect(acceptedAtMs(id, tenMinutesLater, new Date(accepted).toISOString())).toBe(accepted);
    expect(acceptedAtMs(id, sent, new Date(tenMinutesLater).toISOString())).toBe(sent);
  });

  it('when nothing tells the accept time, then none is given and the message is never expired for it', () => {
    // Act / Assess
    expect(acceptedAtMs(keyedMessageId('', 'k', {}), 0)).toBeUndefined();
  });
});

describe('validityPassedError', () => {
  it('when a message expires unsent, then the error says so with its validity and accept time', () => {
    // Act
    const error = validityPassedError(5, Date.parse('2030-05-01T12:00:00.000Z'));
    // Assess
    expect(error).toEqual({
      code: 'validity_passed',
      name: 'Validity passed before sending',
      description:
        'The message could not be sent within its validity of 5 minutes (accepted at 2030-05-01T12:00:00.000Z); it was never sent.',
    });
  });
});

describe('validityLeftSeconds', () => {
  const acceptedAt = Date.parse('2030-05-01T12:00:00.000Z');

  it.each([
    ['just accepted', 0, 3600],
    ['after 50 minutes', 50 * 60_000, 600],
    ['after 50 minutes and half a second', 50 * 60_000 + 500, 600],
    ['a second before the end', 3_599_000, 1],
    ['past the end', 3_700_000, 1],
    ['before the accept time (clock skew)', -5_000, 3600],
  ])('when a 60-minute message is sent %s, then %i seconds are left', (_, waitedMs, expected) => {
    // Act
    const left = validityLeftSeconds(60, acceptedAt, acceptedAt + waitedMs);
    // Assess
    expect(left).toBe(expected);
  });

  it('when nothing tells the accept time, then the whole validity is left', () => {
    // Act / Assess
    expect(validityLeftSeconds(60, undefined, acceptedAt)).toBe(3600);
  });
});
