import { describe, expect, it } from 'vitest';
import { queueMessageSchema, sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { codesOf, issuesOf } from '../support.ts';

const MINIMAL = { to: '+79991234567', text: 'Hello' };

describe('queueMessageSchema', () => {
  it('when a queue message has v 1 and the envelope fields, then it is accepted', () => {
    // Prepare
    const message = {
      v: 1,
      id: '01JDQ4Z7X3K9V2M5N8P0R6S1T4',
      batchId: 'b_01JDQ4Z7X3K9V2M5N8P0R6S1T5',
      idempotencyKey: 'order-42-sms',
      ...MINIMAL,
    };
    // Act
    const parsed = queueMessageSchema.parse(message);
    // Assess
    expect(parsed).toMatchObject({ ...message, kind: 'sms', priority: 'urgent', encoding: 'auto' });
  });

  it('when a queue message has no v, then it is a required issue', () => {
    // Prepare
    const message = { ...MINIMAL };
    // Act
    const codes = codesOf(queueMessageSchema, message);
    // Assess
    expect(codes).toEqual([{ code: 'required', path: ['v'] }]);
  });

  it('when a queue message has another version, then it is invalid_value', () => {
    // Prepare
    const message = { v: 2, ...MINIMAL };
    // Act
    const issues = issuesOf(queueMessageSchema, message);
    // Assess
    expect(issues).toEqual([{ code: 'invalid_value', path: ['v'], message: 'v: must be 1' }]);
  });

  it('when the id or batch id is not one of ours, then it is invalid_format', () => {
    // Prepare
    const message = { v: 1, id: 'msg-1', batchId: '01JDQ4Z7X3K9V2M5N8P0R6S1T4', ...MINIMAL };
    // Act
    const codes = codesOf(queueMessageSchema, message);
    // Assess
    expect(codes).toEqual([
      { code: 'invalid_format', path: ['id'] },
      { code: 'invalid_format', path: ['batchId'] },
    ]);
  });

  it('when an HTTP body carries v or id, then they are unknown fields', () => {
    // Prepare
    const body = { v: 1, id: '01JDQ4Z7X3K9V2M5N8P0R6S1T4', ...MINIMAL };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([
      { code: 'unknown_field', path: ['v'] },
      { code: 'unknown_field', path: ['id'] },
    ]);
  });
});
