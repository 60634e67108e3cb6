import { describe, expect, it } from 'vitest';
import {
  describeDeliveryError,
  MAIL_ERROR_CODES,
  SMS_ERROR_CODES,
} from '#core/domain/provider/error-codes.ts';

const SMS_CODES = [
  0,
  1,
  6,
  11,
  12,
  13,
  21,
  200,
  219,
  220,
  224,
  ...Array.from({ length: 19 }, (_, i) => 237 + i),
];
const MAIL_CODES = [0, 1, 2, 3, 4, 239, 245, 248, 249, 252, 253, 254, 255];

const RETRYABLE_SMS = [6, 12, 219, 220, 224, 237, 240, 241, 242, 245, 246, 247, 251];
const RETRYABLE_MAIL = [2, 245];

describe('describeDeliveryError', () => {
  it.each(SMS_CODES)('when SMS code %i is looked up, then the catalog names and explains it', (code) => {
    // Prepare
    // Act
    const info = describeDeliveryError(code);
    // Assess
    expect(info.code).toBe(code);
    expect(info.name).not.toBe('Unknown error');
    expect(info.name.trim()).not.toBe('');
    expect(info.description.trim()).not.toBe('');
    expect(info.retryable).toBe(RETRYABLE_SMS.includes(code));
  });

  it.each(MAIL_CODES)('when e-mail code %i is looked up, then the catalog names and explains it', (code) => {
    // Prepare
    // Act
    const info = describeDeliveryError(code, 'mail');
    // Assess
    expect(info.code).toBe(code);
    expect(info.name).not.toBe('Unknown error');
    expect(info.name.trim()).not.toBe('');
    expect(info.description.trim()).not.toBe('');
    expect(info.retryable).toBe(RETRYABLE_MAIL.includes(code));
  });

  it('when the tables are listed, then they hold exactly the documented codes in order', () => {
    // Prepare
    // Act
    const sms = SMS_ERROR_CODES.map((info) => info.code);
    const mail = MAIL_ERROR_CODES.map((info) => info.code);
    // Assess
    expect(sms).toEqual(SMS_CODES);
    expect(mail).toEqual(MAIL_CODES);
  });

  it('when code 1 is looked up per channel, then SMS speaks of a subscriber and e-mail of a recipient', () => {
    // Prepare
    // Act
    const sms = describeDeliveryError(1, 'sms');
    const mail = describeDeliveryError(1, 'mail');
    // Assess
    expect(sms.name).toBe('The subscriber does not exist');
    expect(mail.name).toBe('Recipient does not exist');
    expect(mail.description).toContain('e-mail address');
  });

  it('when the channel is not given, then the SMS table answers', () => {
    // Prepare
    // Act
    const info = describeDeliveryError(6);
    // Assess
    expect(info).toEqual(describeDeliveryError(6, 'sms'));
    expect(info.name).toBe('Subscriber is offline');
  });

  it('when an SMS-only code is looked up as e-mail, then it is unknown there', () => {
    // Prepare
    // Act
    const info = describeDeliveryError(6, 'mail');
    // Assess
    expect(info.name).toBe('Unknown error');
  });

  it.each([
    [5, 'sms' as const],
    [256, 'sms' as const],
    [-1, 'mail' as const],
    [237, 'mail' as const],
  ])(
    'when code %i is not in the %s table, then an unknown, non-retryable error is described',
    (code, channel) => {
      // Prepare
      // Act
      const info = describeDeliveryError(code, channel);
      // Assess
      expect(info).toEqual({
        code,
        name: 'Unknown error',
        description: `Error code ${code} is not in the provider's catalog`,
        retryable: false,
      });
    },
  );
});
