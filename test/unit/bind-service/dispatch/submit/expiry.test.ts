import { describe, expect, it } from 'vitest';
import { keyedMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import {
  acceptedAtMs,
  validityLeftSeconds,
  validityPassedError,
  validityPeriodAt,
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

  it('when a direct publisher’s body says it was accepted before the id’s time (one derived from the SQS message), then the body’s acceptedAt counts', () => {
    // Prepare: the id derived from the SQS message carries SentTimestamp as its time.
    const id = messageIdGenerator()(sent);
    const tenMinutesEarlier = sent - 600_000;
    // Act / Assess: before, the id's time hid the body's word, and a one-minute code went out late.
    expect(acceptedAtMs(id, sent, new Date(tenMinutesEarlier).toISOString())).toBe(tenMinutesEarlier);
  });

  it('when a body’s acceptedAt is dated after SQS got the message, then SentTimestamp counts', () => {
    // Prepare
    const id = messageIdGenerator()(sent + 86_400_000);
    // Act / Assess: neither a future id nor a future acceptedAt counts later than SentTimestamp.
    expect(acceptedAtMs(id, sent, new Date(sent + 86_400_000).toISOString())).toBe(sent);
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

describe('validityPeriodAt', () => {
  const acceptedAt = Date.parse('2030-05-01T12:00:00.000Z');
  const validUntil = acceptedAt + 60_000;

  it('when some of a 1-minute validity is left, then the period is what is left, to the second', () => {
    // Act / Assess
    expect(validityPeriodAt(1, acceptedAt, validUntil - 1_500)).toBe('000000000002000R');
    expect(validityPeriodAt(1, acceptedAt, validUntil - 1)).toBe('000000000001000R');
  });

  it('when the validity has ended, then there is no period: the SUBMIT_SM must not be written', () => {
    // Act / Assess: before, its period was floored at 1 s and it went.
    expect(validityPeriodAt(1, acceptedAt, validUntil)).toBeUndefined();
    expect(validityPeriodAt(1, acceptedAt, validUntil + 600_000)).toBeUndefined();
  });

  it('when less than the reserve is left, then there is no period, and the period is all that is left otherwise', () => {
    // Act / Assess
    expect(validityPeriodAt(1, acceptedAt, validUntil - 1_500, 2_000)).toBeUndefined();
    expect(validityPeriodAt(1, acceptedAt, validUntil - 2_500, 2_000)).toBe('000000000003000R');
  });

  it('when nothing tells the accept time, then the whole validity is given', () => {
    // Act / Assess
    expect(validityPeriodAt(1, undefined, validUntil + 600_000, 2_000)).toBe('000000000100000R');
  });
});
