import { describe, expect, it } from 'vitest';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { codesOf, issuesOf } from '../support.ts';

const MINIMAL = { to: '+79991234567', text: 'Hello' };

describe('sendMessageSchema: a recipient that is not one', () => {
  it('when the recipient is not a phone number, then the message names the input', () => {
    // Prepare
    const body = { ...MINIMAL, to: '+7999' };
    // Act
    const issues = issuesOf(sendMessageSchema, body);
    // Assess
    expect(issues).toEqual([
      {
        code: 'invalid_phone_number',
        path: ['to'],
        message: 'to: "+7999" is not a valid phone number: not a number of country +7: check its digits',
      },
    ]);
  });

  it('when the recipient is a landline for an sms, then it is not_mobile_number', () => {
    // Prepare
    const body = { ...MINIMAL, to: '+74951234567' };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'not_mobile_number', path: ['to'] }]);
  });

  it('when a mail request is addressed to a phone number, then it is invalid_email_address', () => {
    // Prepare
    const body = { to: '+79991234567', kind: 'mail', text: 'Hi', subject: 'Hello' };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'invalid_email_address', path: ['to'] }]);
  });

  it('when a bad recipient comes with other bad fields, then all are reported at once', () => {
    // Prepare
    const body = { to: '+7999', text: '', priority: 'now' };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([
      { code: 'invalid_phone_number', path: ['to'] },
      { code: 'too_short', path: ['text'] },
      { code: 'invalid_value', path: ['priority'] },
    ]);
  });
});
