import { describe, expect, it } from 'vitest';
import { deriveMessageId, publisherScope, queueMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
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

describe('queueMessageId', () => {
  const copy = (sqsMessageId: string, senderId?: string) => ({
    sqsMessageId,
    sentTimestampMs: Date.parse('2030-05-01T12:00:00.000Z'),
    ...(senderId === undefined ? {} : { senderId }),
  });
  const body = { v: 1, to: '+79990000001', text: 'Order 42 shipped', idempotencyKey: 'order-42' };

  it('when two SQS messages carry one idempotencyKey and one content, then both copies get the same id', () => {
    // Act
    const first = queueMessageId(copy('sqs-1', 'AROAEXAMPLE:task-a'), body);
    const retry = queueMessageId(copy('sqs-2', 'AROAEXAMPLE:task-a'), { ...body });
    // Assess
    expect(retry).toBe(first);
    expect(isMessageId(first)).toBe(true);
  });

  it('when a copy is serialised with other key order or comes from another session of the same role, then its id is the same', () => {
    // Act
    const first = queueMessageId(copy('sqs-1', 'AROAEXAMPLE:task-a'), body);
    const reordered = queueMessageId(
      copy('sqs-2', 'AROAEXAMPLE:task-b'),
      JSON.parse('{"idempotencyKey":"order-42","text":"Order 42 shipped","to":"+79990000001","v":1}'),
    );
    // Assess
    expect(reordered).toBe(first);
  });

  it('when two publishers use the same idempotencyKey, then their messages stay apart', () => {
    // Act
    const mine = queueMessageId(copy('sqs-1', 'AROAMINE:task'), body);
    const theirs = queueMessageId(copy('sqs-2', 'AIDATHEIRS'), body);
    // Assess
    expect(theirs).not.toBe(mine);
  });

  it('when a key is reused for other content, then that is another message, not a dropped copy', () => {
    // Act
    const first = queueMessageId(copy('sqs-1', 'AROAEXAMPLE:task'), body);
    const other = queueMessageId(copy('sqs-2', 'AROAEXAMPLE:task'), { ...body, text: 'Order 43 shipped' });
    // Assess
    expect(other).not.toBe(first);
  });

  it('when the message carries its own id, then that id is used whatever its key', () => {
    // Act
    const id = queueMessageId(copy('sqs-1'), { ...body, id: '01JZ0000000000000000000001' });
    // Assess
    expect(id).toBe('01JZ0000000000000000000001');
  });

  it('when the message has neither id nor a usable key, then the id comes from its SQS message', () => {
    // Act
    const plain = queueMessageId(copy('sqs-1'), { v: 1, to: '+79990000001', text: 'Hi' });
    const badKey = queueMessageId(copy('sqs-1'), { v: 1, idempotencyKey: '' });
    const notJson = queueMessageId(copy('sqs-1'), undefined);
    // Assess
    const derived = deriveMessageId('sqs-1', Date.parse('2030-05-01T12:00:00.000Z'));
    expect([plain, badKey, notJson]).toEqual([derived, derived, derived]);
  });

  it('when SenderId names a role session, then the scope is the role alone', () => {
    // Act / Assess
    expect(publisherScope('AROAEXAMPLE:i-0abc')).toBe('AROAEXAMPLE');
    expect(publisherScope('AIDAUSER')).toBe('AIDAUSER');
    expect(publisherScope(undefined)).toBe('');
  });
});
