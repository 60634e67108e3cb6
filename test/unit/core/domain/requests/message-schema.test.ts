import { describe, expect, it } from 'vitest';
import { MESSAGE_KINDS } from '#core/domain/messages/message-kinds.ts';
import { prepareMessage } from '#core/domain/messages/prepare-message.ts';
import {
  ENCODING_CHOICES,
  isLoopbackUrl,
  MAX_TEXT_LENGTH,
  PRIORITIES,
  sendMessageSchema,
} from '#core/domain/requests/message-schema.ts';
import { codesOf, issuesOf } from '../support.ts';

const MINIMAL = { to: '+79991234567', text: 'Hello' };

describe('sendMessageSchema', () => {
  it('when the body has only to and text, then the defaults are filled in', () => {
    // Prepare
    const body = { ...MINIMAL };
    // Act
    const request = sendMessageSchema.parse(body);
    // Assess
    expect(request).toEqual({
      to: '+79991234567',
      text: 'Hello',
      kind: 'sms',
      priority: 'urgent',
      encoding: 'auto',
    });
    expect(request.validityMinutes).toBeUndefined();
  });

  it('when the body has every field, then they are all kept', () => {
    // Prepare
    const body = {
      to: '+7 (999) 123-45-67',
      text: 'Your parcel is here',
      from: 'Shop.Ru',
      kind: 'sms',
      comment: 'order 42',
      priority: 'bulk',
      encoding: 'ucs2',
      validityMinutes: 60,
      clientRef: 'order-42',
      callbackUrl: 'https://hooks.example.com/sms',
    };
    // Act
    const request = sendMessageSchema.parse(body);
    // Assess
    expect(request).toEqual({ ...body, to: '+79991234567' });
  });

  it('when the recipient is written with spaces, dashes and parentheses, then it comes out in E.164', () => {
    // Prepare
    const body = { ...MINIMAL, to: ' +7 999 123-45-67 ' };
    // Act
    const request = sendMessageSchema.parse(body);
    // Assess
    expect(request.to).toBe('+79991234567');
  });

  it('when the body has an unknown field, then it is an unknown_field issue at that field', () => {
    // Prepare
    const body = { ...MINIMAL, phone: '+79991234567', sender: 'x' };
    // Act
    const issues = issuesOf(sendMessageSchema, body);
    // Assess
    expect(issues).toEqual([
      { code: 'unknown_field', path: ['phone'], message: 'phone: is not a known field' },
      { code: 'unknown_field', path: ['sender'], message: 'sender: is not a known field' },
    ]);
  });

  it('when the recipient is missing, then it is a required issue', () => {
    // Prepare
    const body = { text: 'Hello' };
    // Act
    const issues = issuesOf(sendMessageSchema, body);
    // Assess
    expect(issues).toEqual([{ code: 'required', path: ['to'], message: 'to: is required' }]);
  });

  it('when the text is missing for an sms, then it is a required issue at text', () => {
    // Prepare
    const body = { to: '+79991234567' };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'required', path: ['text'] }]);
  });

  it.each([
    ['bot', 'bot', { text: 'Hi', kind: 'bot' }],
    ['mail', 'subject', { to: 'anna@example.com', text: 'Hi', kind: 'mail', from: 'news@example.com' }],
  ])('when a %s message has no %s, then it is a required issue there', (_kind, missing, fields) => {
    // Prepare
    const body = { to: '+79991234567', ...fields };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'required', path: [missing] }]);
  });

  it.each(['hlr', 'ping'])('when a %s request has no text, then it is valid', (kind) => {
    // Prepare
    const body = { to: '+79991234567', kind };
    // Act
    const result = sendMessageSchema.safeParse(body);
    // Assess
    expect(result.success).toBe(true);
  });

  it('when fields have the wrong types, then each is an invalid_type issue', () => {
    // Prepare
    const body = { to: 79991234567, text: ['Hello'], validityMinutes: '60' };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([
      { code: 'invalid_type', path: ['to'] },
      { code: 'invalid_type', path: ['text'] },
      { code: 'invalid_type', path: ['validityMinutes'] },
    ]);
  });

  it('when the body is not an object, then the issue is about the request itself', () => {
    // Prepare
    const body = 'to=+79991234567';
    // Act
    const issues = issuesOf(sendMessageSchema, body);
    // Assess
    expect(issues).toEqual([{ code: 'invalid_type', path: [], message: 'request: must be an object' }]);
  });

  it('when the text, subject or comment has decomposed accents (NFD), then they come out composed (NFC) and a GSM text goes as one GSM part', () => {
    // Prepare: macOS/iOS input and many copy-pastes write "é" as "e" + U+0301
    const composed =
      'Café réservé à 20h. Grüße aus München: Ihre Bestellung über 5 Stück ist unterwegs. Señor Muñoz!';
    const body = { ...MINIMAL, text: composed.normalize('NFD'), comment: 'Bestätigt'.normalize('NFD') };
    const mail = { to: 'anna@example.com', kind: 'mail', text: 'Hallo', subject: 'Réservé'.normalize('NFD') };
    // Act
    const request = sendMessageSchema.parse(body);
    const prepared = prepareMessage(request, { isoMode: false, maxParts: 10 });
    const mailRequest = sendMessageSchema.parse(mail);
    // Assess
    expect(body.text).not.toBe(composed);
    expect(request).toMatchObject({ text: composed, comment: 'Bestätigt' });
    expect(mailRequest.subject).toBe('Réservé');
    expect({ encoding: prepared.encoding, parts: prepared.parts }).toEqual({ encoding: 'gsm7', parts: 1 });
  });

  it('when the text is empty, then it is too_short', () => {
    // Prepare
    const body = { ...MINIMAL, text: '' };
    // Act
    const issues = issuesOf(sendMessageSchema, body);
    // Assess
    expect(issues).toEqual([{ code: 'too_short', path: ['text'], message: 'text: must not be empty' }]);
  });

  it('when the text is longer than the limit, then it is too_long; at the limit it is accepted', () => {
    // Prepare
    const atLimit = { ...MINIMAL, text: 'a'.repeat(MAX_TEXT_LENGTH) };
    const overLimit = { ...MINIMAL, text: 'a'.repeat(MAX_TEXT_LENGTH + 1) };
    // Act
    const accepted = sendMessageSchema.safeParse(atLimit).success;
    const issues = issuesOf(sendMessageSchema, overLimit);
    // Assess
    expect(accepted).toBe(true);
    expect(issues).toEqual([
      { code: 'too_long', path: ['text'], message: 'text: must be at most 10000 characters' },
    ]);
  });

  it('when the comment or client reference is too long, then it is too_long at that field', () => {
    // Prepare
    const body = { ...MINIMAL, comment: 'c'.repeat(1001), clientRef: 'r'.repeat(129) };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([
      { code: 'too_long', path: ['comment'] },
      { code: 'too_long', path: ['clientRef'] },
    ]);
  });

  it.each(MESSAGE_KINDS)('when kind is %s, then the kind is accepted', (kind) => {
    // Prepare
    const body = { to: kind === 'mail' ? 'anna@example.com' : '+79991234567', kind, text: '1234' };
    // Act
    const result = sendMessageSchema.safeParse(body);
    // Assess
    expect(result.error?.issues.filter((issue) => issue.path[0] === 'kind') ?? []).toEqual([]);
  });

  it.each(PRIORITIES)('when priority is %s, then it is kept', (priority) => {
    // Prepare
    const body = { ...MINIMAL, priority };
    // Act
    const request = sendMessageSchema.parse(body);
    // Assess
    expect(request.priority).toBe(priority);
  });

  it.each(ENCODING_CHOICES)('when encoding is %s, then it is kept', (encoding) => {
    // Prepare
    const body = { ...MINIMAL, encoding };
    // Act
    const request = sendMessageSchema.parse(body);
    // Assess
    expect(request.encoding).toBe(encoding);
  });

  it.each([
    ['kind', 'fax'],
    ['priority', 'high'],
    ['encoding', 'utf8'],
  ])('when %s is %s, then it is invalid_value listing the choices', (field, value) => {
    // Prepare
    const body = { ...MINIMAL, [field]: value };
    // Act
    const issues = issuesOf(sendMessageSchema, body);
    // Assess
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'invalid_value', path: [field] });
    expect(issues[0]?.message).toMatch(new RegExp(`^${field}: must be one of "`));
  });

  it.each([
    [0, 'too_small'],
    [4321, 'too_large'],
    [1.5, 'invalid_type'],
  ])('when validityMinutes is %s, then it is %s', (validityMinutes, code) => {
    // Prepare
    const body = { ...MINIMAL, validityMinutes };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code, path: ['validityMinutes'] }]);
  });

  it.each([1, 4320])('when validityMinutes is %s, then it is accepted', (validityMinutes) => {
    // Prepare
    const body = { ...MINIMAL, validityMinutes };
    // Act
    const request = sendMessageSchema.parse(body);
    // Assess
    expect(request.validityMinutes).toBe(validityMinutes);
  });

  it.each(['A', 'SMSC.RU', 'My Shop', 'shop_1-2', '1234', '79991234567', '+79991234567', '+123456789012345'])(
    'when from is %j, then it is a valid sender id',
    (from) => {
      // Prepare
      const body = { ...MINIMAL, from };
      // Act
      const request = sendMessageSchema.parse(body);
      // Assess
      expect(request.from).toBe(from);
    },
  );

  it.each([
    '',
    'TwelveChars1',
    ' Shop',
    'Shop ',
    'Shop!',
    'Магазин',
    '...',
    '+1234567890123456',
    // Plain digits go with the alphanumeric TON 5 (provider example): 11 characters at most.
    '123456789012',
    '+Shop',
  ])('when from is %j, then it is invalid_format', (from) => {
    // Prepare
    const body = { ...MINIMAL, from };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'invalid_format', path: ['from'] }]);
  });

  it.each([
    'https://hooks.example.com/sms?x=1',
    'http://localhost:3000/callback',
    'http://127.0.0.1:8080/cb',
    'http://[::1]/cb',
  ])('when callbackUrl is %s, then it is accepted', (callbackUrl) => {
    // Prepare
    const body = { ...MINIMAL, callbackUrl };
    // Act
    const request = sendMessageSchema.parse(body);
    // Assess
    expect(request.callbackUrl).toBe(callbackUrl);
  });

  it.each([
    'http://hooks.example.com/sms',
    'ftp://hooks.example.com/sms',
    'hooks.example.com/sms',
    '/relative/path',
    'https://user:secret@hooks.example.com/sms',
    'http://localhost.example.com/cb',
  ])('when callbackUrl is %s, then it is invalid_url', (callbackUrl) => {
    // Prepare
    const body = { ...MINIMAL, callbackUrl };
    // Act
    const codes = codesOf(sendMessageSchema, body);
    // Assess
    expect(codes).toEqual([{ code: 'invalid_url', path: ['callbackUrl'] }]);
  });

  it('when a callback URL points at this machine, then isLoopbackUrl says so', () => {
    // Prepare
    const urls = [
      'http://localhost:3000/cb',
      'https://127.0.0.1/cb',
      'https://hooks.example.com/cb',
      'nonsense',
      // A name's trailing dot and RFC 6761's *.localhost name this machine too (202 in AWS before)
      'https://localhost./cb',
      'https://LOCALHOST.:8443/cb',
      'https://api.localhost/cb',
      'https://localhost.example.com./cb',
    ];
    // Act
    const loopback = urls.map(isLoopbackUrl);
    // Assess
    expect(loopback).toEqual([true, true, false, false, true, true, true, false]);
  });
});
