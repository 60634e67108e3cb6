import { describe, expect, it } from 'vitest';
import { batchMessages, MAX_BATCH_SIZE, sendBatchSchema } from '#core/domain/requests/batch-schema.ts';
import { codesOf } from '../support.ts';

const recipients = (count: number) =>
  Array.from({ length: count }, (_, index) => `+7999${String(index).padStart(7, '0')}`);

describe('sendBatchSchema', () => {
  it('when one text goes to many recipients, then they are normalised and the batch is bulk', () => {
    // Prepare
    const body = { to: ['+7 999 123-45-67', '+79991234568'], text: 'Sale!', from: 'Shop' };
    // Act
    const batch = sendBatchSchema.parse(body);
    // Assess
    expect(batch).toEqual({
      to: ['+79991234567', '+79991234568'],
      text: 'Sale!',
      from: 'Shop',
      kind: 'sms',
      priority: 'bulk',
      encoding: 'auto',
    });
  });

  it('when each message is given, then each is a full request defaulting to bulk', () => {
    // Prepare
    const body = {
      messages: [
        { to: '+79991234567', text: 'One' },
        { to: '+79991234568', text: 'Two', priority: 'urgent' },
      ],
    };
    // Act
    const batch = sendBatchSchema.parse(body);
    // Assess
    expect(batchMessages(batch).map(({ to, priority }) => ({ to, priority }))).toEqual([
      { to: '+79991234567', priority: 'bulk' },
      { to: '+79991234568', priority: 'urgent' },
    ]);
  });

  it('when a recipients batch is expanded, then there is one request per recipient with the shared fields', () => {
    // Prepare
    const batch = sendBatchSchema.parse({ to: ['+79991234567', '+79991234568'], text: 'Hi', clientRef: 'c' });
    // Act
    const requests = batchMessages(batch);
    // Assess
    expect(requests).toEqual([
      { to: '+79991234567', text: 'Hi', clientRef: 'c', kind: 'sms', priority: 'bulk', encoding: 'auto' },
      { to: '+79991234568', text: 'Hi', clientRef: 'c', kind: 'sms', priority: 'bulk', encoding: 'auto' },
    ]);
  });

  it('when both forms are given, then it is conflicting_fields', () => {
    // Prepare
    const body = { to: ['+79991234567'], text: 'Hi', messages: [{ to: '+79991234567', text: 'Hi' }] };
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'conflicting_fields', path: ['messages'] }]);
  });

  it('when neither form is given, then it is required on the request', () => {
    // Prepare
    const body = { kind: 'sms', from: 'Shop' };
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'required', path: [] }]);
  });

  it('when the batch is not an object, then it is invalid_type on the request', () => {
    // Prepare
    const body = [{ to: '+79991234567', text: 'Hi' }];
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'invalid_type', path: [] }]);
  });

  it('when there are 1001 recipients, then to is too_long; 1000 are accepted', () => {
    // Prepare
    const atLimit = { to: recipients(MAX_BATCH_SIZE), text: 'Hi' };
    const overLimit = { to: recipients(MAX_BATCH_SIZE + 1), text: 'Hi' };
    // Act
    const accepted = sendBatchSchema.safeParse(atLimit).success;
    const codes = codesOf(sendBatchSchema, overLimit);
    // Assess
    expect(accepted).toBe(true);
    expect(codes).toEqual([{ code: 'too_long', path: ['to'] }]);
  });

  it('when there are 1001 messages, then messages is too_long', () => {
    // Prepare
    const body = { messages: recipients(MAX_BATCH_SIZE + 1).map((to) => ({ to, text: 'Hi' })) };
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'too_long', path: ['messages'] }]);
  });

  it('when the lists are empty, then they are too_short', () => {
    // Prepare
    const bodies = [{ to: [], text: 'Hi' }, { messages: [] }];
    // Act
    const codes = bodies.map((body) => codesOf(sendBatchSchema, body));
    // Assess
    expect(codes).toEqual([
      [{ code: 'too_short', path: ['to'] }],
      [{ code: 'too_short', path: ['messages'] }],
    ]);
  });

  it('when some recipients are bad, then each issue points at its entry', () => {
    // Prepare
    const body = { to: ['+79991234567', '+7999', '+74951234567', '8 (999) 123-45-67'], text: 'Hi' };
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([
      { code: 'invalid_phone_number', path: ['to', 1] },
      { code: 'invalid_phone_number', path: ['to', 3] },
    ]);
  });

  it('when a recipient is a landline or repeats another, then the entry is named', () => {
    // Prepare
    const body = { to: ['+79991234567', '+74951234567', '+7 999 123 45 67'], text: 'Hi' };
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([
      { code: 'not_mobile_number', path: ['to', 1] },
      { code: 'duplicate_recipient', path: ['to', 2] },
    ]);
  });

  it('when a message in the list is bad, then the issue carries its index', () => {
    // Prepare
    const body = {
      messages: [
        { to: '+79991234567', text: 'One' },
        { to: '+79991234568', text: 'Two', colour: 'red' },
        { text: 'Three' },
      ],
    };
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([
      { code: 'unknown_field', path: ['messages', 1, 'colour'] },
      { code: 'required', path: ['messages', 2, 'to'] },
    ]);
  });

  it('when a recipients batch has an unknown field, then it is unknown_field', () => {
    // Prepare
    const body = { to: ['+79991234567'], text: 'Hi', batchName: 'x' };
    // Act
    const codes = codesOf(sendBatchSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'unknown_field', path: ['batchName'] }]);
  });
});
