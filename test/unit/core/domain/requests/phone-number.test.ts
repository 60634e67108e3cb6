import { describe, expect, it } from 'vitest';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import {
  InvalidEmailAddressError,
  maskEmailAddress,
  normaliseEmailAddress,
} from '#core/domain/requests/email-address.ts';
import {
  InvalidPhoneNumberError,
  NotMobileNumberError,
  normalisePhoneNumber,
  parsePhoneNumber,
} from '#core/domain/requests/phone-number.ts';
import { normaliseRecipient } from '#core/domain/requests/recipient.ts';
import { maskDigits, maskPhoneNumber, maskRecipient } from '#core/domain/requests/recipient-mask.ts';
import { domainErrorOf } from '../support.ts';

describe('normalisePhoneNumber', () => {
  it.each([
    ['+79991234567', '+79991234567'],
    ['+7 999 123 45 67', '+79991234567'],
    ['+7-999-123-45-67', '+79991234567'],
    ['+7 (999) 123-45-67', '+79991234567'],
    ['  +7.999.123.45.67 ', '+79991234567'],
    ['+491701234567', '+491701234567'],
    ['+12015550123', '+12015550123'],
    // Pasted from a web page, a document or a contact card: no-break, narrow no-break and thin
    // spaces, a tab, a non-breaking hyphen, an en dash.
    ['+7\u00a0999\u00a0123-45-67', '+79991234567'],
    ['+7\u202f999\u202f123\u202f45\u202f67', '+79991234567'],
    ['+7\u2009999\u2009123\u200945\u200967', '+79991234567'],
    ['+7\t999\t1234567', '+79991234567'],
    ['+7 999 123\u201145\u201167', '+79991234567'],
    ['+7 999 123\u201345\u201367', '+79991234567'],
    // A word processor's minus sign, and a zero-width space a web page carried along: before, the
    // number was refused asking for the + it had.
    ['+7 999 123\u221245\u221267', '+79991234567'],
    ['+79991234567\u200b', '+79991234567'],
    ['+7\u200b999\u200d1234567\u2060', '+79991234567'],
  ])('when the input is %j, then the E.164 form is %s', (input, expected) => {
    // Prepare
    const options = {};
    // Act
    const e164 = normalisePhoneNumber(input, options);
    // Assess
    expect(e164).toBe(expected);
  });

  it.each([
    ['has no +', '79991234567', /write it in international format with its \+/],
    ['has its + but a digit too few', '+7999123456', /not a number of country \+7: check its digits/],
    [
      'has its + and a letter',
      '+7 999 123 45 6O',
      /it holds "O" \(character 16\), which no phone number holds/,
    ],
    ['has its + and a second one', '++79991234567', /it holds "\+" \(character 2\)/],
    ['has blanks before it and a letter', '  +7999123456O', /it holds "O" \(character 14\)/],
  ])('when the number %s, then the error says what to fix', (_, input, says) => {
    // Act
    const error = domainErrorOf(() => normalisePhoneNumber(input));
    // Assess
    expect(error.message).toMatch(says);
  });

  it('when the number is a Moscow landline, then it is refused as not mobile', () => {
    // Prepare
    const input = '+74951234567';
    // Act
    const error = domainErrorOf(() => normalisePhoneNumber(input));
    // Assess
    expect(error).toBeInstanceOf(NotMobileNumberError);
    expect(error.code).toBe('not_mobile_number');
    expect(error.path).toEqual(['to']);
    expect(error.message).toContain('+74951234567 is a fixed-line number');
  });

  it('when fixed lines are allowed, then a landline is accepted', () => {
    // Prepare
    const input = '+7 495 123-45-67';
    // Act
    const e164 = normalisePhoneNumber(input, { allowFixedLine: true });
    // Assess
    expect(e164).toBe('+74951234567');
  });

  it('when the number is toll-free, then it is refused even where landlines are allowed', () => {
    // Prepare
    const input = '+78001234567';
    // Act
    const error = domainErrorOf(() => normalisePhoneNumber(input, { allowFixedLine: true }));
    // Assess
    expect(error.code).toBe('not_mobile_number');
  });

  it.each([
    ['too short', '+7999'],
    ['letters', '+7999FLOWERS'],
    ['letters only', 'abc'],
    ['national trunk prefix instead of a country code', '89991234567'],
    ['international digits without the +', '79991234567'],
    ['a US number written nationally (valid in Egypt with a +)', '2015550123'],
    ['international 00 prefix', '0079991234567'],
    ['a plus in the middle', '7+9991234567'],
    ['empty', ''],
    ['an e-mail address', 'anna@example.com'],
    ['far too long', `+7${'9'.repeat(40)}`],
  ])('when the input is %s, then it is invalid_phone_number', (_, input) => {
    // Prepare
    const path = ['messages', 2, 'to'];
    // Act
    const error = domainErrorOf(() => normalisePhoneNumber(input, { path }));
    // Assess
    expect(error).toBeInstanceOf(InvalidPhoneNumberError);
    expect(error.code).toBe('invalid_phone_number');
    expect(error.path).toEqual(path);
  });

  it('when a number is parsed, then its type is reported', () => {
    // Prepare
    const inputs = ['+79991234567', '+74951234567', '+12015550123', '+78001234567'];
    // Act
    const types = inputs.map((input) => parsePhoneNumber(input).type);
    // Assess
    expect(types).toEqual(['MOBILE', 'FIXED_LINE', 'FIXED_LINE_OR_MOBILE', 'OTHER']);
  });
});

describe('parsePhoneNumber asked again about the same number (its parse is kept)', () => {
  it('when a number is parsed twice, then both answers are equal and each caller gets its own copy', () => {
    // Prepare
    const first = parsePhoneNumber('+7 999 123-45-67');
    first.e164 = 'changed by the first caller';
    // Act
    const second = parsePhoneNumber('+79991234567');
    // Assess
    expect(second).toEqual({ e164: '+79991234567', type: 'MOBILE' });
  });

  it('when an invalid number comes twice, then each time it is refused with that call’s input and path', () => {
    // Act
    const first = domainErrorOf(() => parsePhoneNumber('+7 000', ['to']));
    const second = domainErrorOf(() => parsePhoneNumber('+7000', ['messages', 2, 'to']));
    // Assess
    expect(first).toBeInstanceOf(InvalidPhoneNumberError);
    expect(second).toBeInstanceOf(InvalidPhoneNumberError);
    expect(first.message).toContain('"+7 000"');
    expect(second.message).toContain('"+7000"');
    expect(second.path).toEqual(['messages', 2, 'to']);
  });

  it('when more than a thousand distinct numbers come, then the earliest is still parsed right', () => {
    // Prepare
    const earliest = parsePhoneNumber('+4915112345678');
    // Act
    for (let n = 0; n < 1_100; n++) parsePhoneNumber(`+7999${String(1_000_000 + n)}`);
    // Assess
    expect(parsePhoneNumber('+49 151 12345678')).toEqual(earliest);
  });
});

describe('normaliseEmailAddress', () => {
  it.each([
    ['anna@example.com', 'anna@example.com'],
    [' Anna.Smith+sms@Mail.Example.RU ', 'Anna.Smith+sms@mail.example.ru'],
    ['a_b-c@xn--80ak6aa92e.xn--p1ai', 'a_b-c@xn--80ak6aa92e.xn--p1ai'],
  ])('when the address is %j, then it is kept with a lower-case domain', (input, expected) => {
    // Prepare
    const path = ['to'];
    // Act
    const address = normaliseEmailAddress(input, path);
    // Assess
    expect(address).toBe(expected);
  });

  it.each([
    'anna',
    '@example.com',
    'anna@',
    'anna@example',
    'anna@@example.com',
    'an na@example.com',
    '.anna@example.com',
    'an..na@example.com',
    'anna@-example.com',
    'anna@example.c',
    '"anna"@example.com',
    `${'a'.repeat(65)}@example.com`,
  ])('when the address is %j, then it is invalid_email_address', (input) => {
    // Prepare
    const path = ['to'];
    // Act
    const error = domainErrorOf(() => normaliseEmailAddress(input, path));
    // Assess
    expect(error).toBeInstanceOf(InvalidEmailAddressError);
    expect(error.code).toBe('invalid_email_address');
    expect(error.path).toEqual(['to']);
  });
});

describe('normaliseRecipient', () => {
  it('when the kind is mail, then the recipient is an e-mail address', () => {
    // Prepare
    const to = 'Anna@Example.com';
    // Act
    const recipient = normaliseRecipient(to, 'mail');
    // Assess
    expect(recipient).toBe('Anna@example.com');
  });

  it('when the kind is mail and the recipient is a phone number, then it is invalid_email_address', () => {
    // Prepare
    const to = '+79991234567';
    // Act
    const error = domainErrorOf(() => normaliseRecipient(to, 'mail'));
    // Assess
    expect(error.code).toBe('invalid_email_address');
  });

  it('when the kind is call, then a landline is a valid recipient', () => {
    // Prepare
    const to = '+74951234567';
    // Act
    const recipient = normaliseRecipient(to, 'call');
    // Assess
    expect(recipient).toBe('+74951234567');
  });

  it.each<MessageKind>(['sms', 'flash', 'viber', 'soc', 'tgm', 'bot', 'hlr', 'ping'])(
    'when the kind is %s, then a landline is refused as not mobile',
    (kind) => {
      // Prepare
      const to = '+74951234567';
      // Act
      const error = domainErrorOf(() => normaliseRecipient(to, kind));
      // Assess
      expect(error.code).toBe('not_mobile_number');
    },
  );

  it('when the kind is sms and the recipient is an e-mail address, then it is invalid_phone_number', () => {
    // Prepare
    const to = 'anna@example.com';
    // Act
    const error = domainErrorOf(() => normaliseRecipient(to, 'sms'));
    // Assess
    expect(error.code).toBe('invalid_phone_number');
  });
});

describe('masking for logs', () => {
  it('when a phone number is masked, then only the first 4 and last 2 digits show', () => {
    // Prepare
    const e164 = '+79991234567';
    // Act
    const masked = maskPhoneNumber(e164);
    // Assess
    expect(masked).toBe('+7999*****67');
  });

  // E.164 numbers of small numbering plans have 7 or 8 digits (Tokelau +690, Tristan da Cunha
  // +290 8, Falklands +500, St Helena +290, Cook Islands +682, Ascension +247: libphonenumber's
  // own examples of their mobiles). 4 + 2 digits shown hid 1 or 2 of them: 10 or 100 candidates.
  it.each(['+6907290', '+2908999', '+50051234', '+29051234', '+68271234', '+24740123'])(
    'when the short mobile %s is masked, then at least 3 of its digits are hidden (1,000 candidates or more)',
    (input) => {
      // Prepare: the API accepts it as a mobile recipient
      const to = normalisePhoneNumber(input);
      // Act
      const masked = maskRecipient(to);
      // Assess
      expect(masked).not.toBe(to);
      expect([...masked].filter((char) => char === '*').length).toBeGreaterThanOrEqual(3);
    },
  );

  it.each([
    ['+6907290', '+6907***'],
    ['+50051234', '+5005****'],
    ['+290512345', '+2905***45'],
    ['+6591234567', '+6591****67'],
    ['+79991234567', '+7999*****67'],
    ['+491511234567', '+4915******67'],
  ])(
    'when %s is masked, then it reads %s (the last 2 digits show only with 3 others hidden)',
    (e164, expected) => {
      // Act
      const masked = maskPhoneNumber(e164);
      // Assess
      expect(masked).toBe(expected);
    },
  );

  it.each([
    ['+7 495 123-45-67', '+7495*****67'],
    ['+690 7290', '+6907***'],
    ['+7 (999) 123\u201145\u201367', '+7999*****67'],
  ])(
    'when a refused recipient kept as written (%s) is masked, then its separators take no hidden digit’s place',
    (raw, expected) => {
      // Act
      const masked = maskPhoneNumber(raw);
      // Assess
      expect(masked).toBe(expected);
    },
  );

  it('when digits are masked without their "+" (an SMPP address), then the same digits show', () => {
    // Act
    const masked = ['79991234567', '6907290', '12345'].map(maskDigits);
    // Assess
    expect(masked).toEqual(['7999*****67', '6907***', '*****']);
  });

  it('when a very short number is masked, then no digit shows', () => {
    // Prepare
    const e164 = '+12345';
    // Act
    const masked = maskPhoneNumber(e164);
    // Assess
    expect(masked).toBe('+*****');
  });

  it('when an e-mail address is masked, then only its first character and domain show', () => {
    // Prepare
    const address = 'john.smith@example.com';
    // Act
    const masked = maskEmailAddress(address);
    // Assess
    expect(masked).toBe('j***@example.com');
  });

  it('when any recipient is masked, then the right mask is chosen', () => {
    // Prepare
    const recipients = ['+79991234567', 'john@example.com'];
    // Act
    const masked = recipients.map(maskRecipient);
    // Assess
    expect(masked).toEqual(['+7999*****67', 'j***@example.com']);
  });
});
