import { describe, expect, it } from 'vitest';
import { deriveMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import { isMessageId, messageIdTime } from '#core/domain/messages/message-id.ts';

describe('deriveMessageId', () => {
  const sent = Date.parse('2030-05-01T12:00:00.000Z');

  it('when the same SQS message is delivered twice, then both deliveries derive the same id', () => {
    // Act
    const first = deriveMessageId('8f3e7a2c-1b4d-4e5f-9a0b-123456789abc', sent);
    const second = deriveMessageId('8f3e7a2c-1b4d-4e5f-9a0b-123456789abc', sent);
    // Assess
    expect(second).toBe(first);
  });

  it('when two SQS messages are sent in the same millisecond, then their ids differ', () => {
    // Act
    const a = deriveMessageId('message-a', sent);
    const b = deriveMessageId('message-b', sent);
    // Assess
    expect(a).not.toBe(b);
  });

  it('when derived, then the id is a valid message id whose time is the SQS sent time', () => {
    // Act
    const id = deriveMessageId('message-a', sent);
    // Assess
    expect(isMessageId(id)).toBe(true);
    expect(messageIdTime(id)).toBe(sent);
  });

  it('when SQS gave no sent time, then the id is still valid and stable', () => {
    // Act
    const id = deriveMessageId('message-a', Number.NaN);
    // Assess
    expect(isMessageId(id)).toBe(true);
    expect(deriveMessageId('message-a', Number.NaN)).toBe(id);
  });
});
