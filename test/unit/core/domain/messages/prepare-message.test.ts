import { describe, expect, it } from 'vitest';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import { acceptedMessageRecord } from '#core/domain/messages/message-model.ts';
import { type PrepareOptions, prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { type SendMessageInput, sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { domainErrorOf } from '../support.ts';

const OPTIONS: PrepareOptions = { isoMode: false, maxParts: 10 };

function prepare(body: SendMessageInput, options: PrepareOptions = OPTIONS) {
  return prepareMessage(sendMessageSchema.parse(body), options);
}

describe('prepareMessage', () => {
  it('when a short Latin text is sent, then it goes as one GSM 7-bit part with the default validity', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'Your code is 1234' };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared).toMatchObject({
      to: '+79991234567',
      kind: 'sms',
      body: 'Your code is 1234',
      flash: false,
      encoding: 'gsm7',
      dataCoding: 0,
      parts: 1,
      units: 17,
      validityMinutes: 1440,
      priority: 'urgent',
    });
  });

  it('when the text is Cyrillic, then it goes as UCS-2 in as many parts as it needs', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'Привет! '.repeat(20) };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared.encoding).toBe('ucs2');
    expect(prepared.dataCoding).toBe(8);
    expect(prepared.units).toBe(160);
    expect(prepared.parts).toBe(3);
  });

  it('when the bind-service encodes with the prepared options, then it gets the parts the API announced', () => {
    // Prepare
    const prepared = prepare({ to: '+79991234567', text: 'Ünïcode ✓ '.repeat(30), from: 'Shop' });
    // Act
    const encoded = encodeMessage(prepared.body, prepared.encodeOptions);
    // Assess
    expect(encoded.parts).toHaveLength(prepared.parts);
    expect(encoded.encoding).toBe(prepared.encoding);
    expect(encoded.dataCoding).toBe(prepared.dataCoding);
    expect(prepared.from).toBe('Shop');
  });

  it('when the kind has a marker, then the body carries it and the caller fields', () => {
    // Prepare
    const body = {
      to: 'anna@example.com',
      kind: 'mail' as const,
      text: 'Hello',
      subject: 'Hi',
      comment: 'c1',
    };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared.body).toBe('__MAIL__: Hello\nsubj:Hi\n~~~\nc1');
    expect(prepared.to).toBe('anna@example.com');
  });

  it('when the kind is flash, then the data_coding carries message class 0', () => {
    // Prepare
    const body = { to: '+79991234567', kind: 'flash' as const, text: 'Alert' };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared.flash).toBe(true);
    expect(prepared.dataCoding).toBe(0x10);
  });

  it('when the kind is hlr, then the body is the bare marker', () => {
    // Prepare
    const body = { to: '+79991234567', kind: 'hlr' as const };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared.body).toBe('__HLR__');
    expect(prepared.parts).toBe(1);
  });

  it('when a Telegram code is not 4-8 digits, then it is invalid_message_content at text', () => {
    // Prepare
    const body = { to: '+79991234567', kind: 'tgm' as const, text: '12ab' };
    // Act
    const error = domainErrorOf(() => prepare(body));
    // Assess
    expect(error.code).toBe('invalid_message_content');
    expect(error.path).toEqual(['text']);
  });

  it('when a mail has a blank subject, then it is invalid_message_content at subject (a missing one is the schema’s required)', () => {
    // Prepare
    const body = { to: 'anna@example.com', kind: 'mail' as const, text: 'Hello', subject: '   ' };
    // Act
    const error = domainErrorOf(() => prepare(body));
    // Assess
    expect(error.code).toBe('invalid_message_content');
    expect(error.path).toEqual(['subject']);
  });

  it('when the text needs more parts than allowed, then it is too_many_parts at text', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'Ж'.repeat(3 * 67 + 1) };
    // Act
    const error = domainErrorOf(() => prepare(body, { isoMode: false, maxParts: 3 }));
    // Assess
    expect(error.code).toBe('too_many_parts');
    expect(error.path).toEqual(['text']);
  });

  it('when gsm7 is forced on a Cyrillic text, then it is unencodable_text at encoding, indexed in the text', () => {
    // Prepare
    const body = {
      to: 'anna@example.com',
      kind: 'mail' as const,
      subject: 'S',
      text: 'Hi Анна',
      encoding: 'gsm7' as const,
    };
    // Act
    const error = domainErrorOf(() => prepare(body));
    // Assess
    expect(error.code).toBe('unencodable_text');
    expect(error.path).toEqual(['encoding']);
    expect(error).toMatchObject({ character: 'А', index: 3 });
  });

  it('when gsm7 is forced in ISO mode, then it is encoding_unavailable at encoding', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'Hello', encoding: 'gsm7' as const };
    // Act
    const error = domainErrorOf(() => prepare(body, { isoMode: true, maxParts: 10 }));
    // Assess
    expect(error.code).toBe('encoding_unavailable');
    expect(error.path).toEqual(['encoding']);
  });

  it('when a Latin text comes with a Latin comment, then encoding and parts are the text alone and the comment adds SUBMIT_SMs only', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'a'.repeat(150), comment: 'order 42 for Anna' };
    // Act
    const prepared = prepare(body);
    const encoded = encodeMessage(prepared.body, prepared.encodeOptions);
    // Assess
    expect(prepared).toMatchObject({ encoding: 'gsm7', dataCoding: 0, parts: 1, units: 150, wireParts: 2 });
    expect(prepared.body).toBe(`${'a'.repeat(150)}\n~~~\norder 42 for Anna`);
    expect(encoded.parts).toHaveLength(prepared.wireParts);
    expect(encoded.dataCoding).toBe(0);
  });

  it('when a long comment follows a one-part text under a one-part cap, then it is not too_many_parts', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'Your code is 1234', comment: 'x'.repeat(1000) };
    // Act
    const prepared = prepare(body, { isoMode: false, maxParts: 1 });
    // Assess
    expect(prepared).toMatchObject({ encoding: 'gsm7', parts: 1, wireParts: 7 });
  });

  it('when a Latin text comes with a Cyrillic comment, then it is unencodable_comment at comment instead of UCS-2', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'Your code is 1234', comment: 'заказ 42' };
    // Act
    const error = domainErrorOf(() => prepare(body));
    // Assess
    expect(error.code).toBe('unencodable_comment');
    expect(error.path).toEqual(['comment']);
    expect(error).toMatchObject({ character: 'з', index: 0, encoding: 'gsm7' });
    expect(error.message).toMatch(/text's encoding \(gsm7\)/);
  });

  it('when UCS-2 is forced, then a Cyrillic comment travels with a Latin text', () => {
    // Prepare
    const body = {
      to: '+79991234567',
      text: 'Your code is 1234',
      comment: 'заказ 42',
      encoding: 'ucs2' as const,
    };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared).toMatchObject({ encoding: 'ucs2', parts: 1, wireParts: 1 });
  });

  it('when a Cyrillic text comes with a comment, then its parts are counted without the comment', () => {
    // Prepare
    const body = { to: '+79991234567', text: 'Ж'.repeat(70), comment: 'заказ 42' };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared).toMatchObject({ encoding: 'ucs2', parts: 1, units: 70, wireParts: 2 });
  });

  it('when the encoding is binary, then the hex payload goes as 8-bit data (data_coding 4) in counted parts', () => {
    // Prepare
    const body = {
      to: '+79991234567',
      encoding: 'binary' as const,
      text: '00'.repeat(200),
      udh: '0605040B8423F0',
    };
    // Act
    const prepared = prepare(body);
    // Assess
    expect(prepared).toMatchObject({ encoding: 'binary', dataCoding: 4, parts: 2, wireParts: 2, units: 200 });
    expect(prepared.binary?.udh).toEqual(Buffer.from('0605040B8423F0', 'hex'));
  });

  it.each([
    ['a comment', { comment: 'c' }, 'invalid_message_content', ['comment']],
    ['another kind', { kind: 'viber' as const }, 'invalid_message_content', ['kind']],
    ['text that is not hex', { text: 'Hello' }, 'invalid_binary', ['text']],
  ])('when a binary message has %s, then it is refused at that field', (_, extra, code, path) => {
    // Prepare
    const body = { to: '+79991234567', encoding: 'binary' as const, text: 'abcd', ...extra };
    // Act
    const error = domainErrorOf(() => prepare(body));
    // Assess
    expect(error.code).toBe(code);
    expect(error.path).toEqual(path);
  });

  it('when a UDH comes with a text encoding, then it is invalid_binary at udh', () => {
    // Act
    const error = domainErrorOf(() => prepare({ to: '+79991234567', text: 'Hi', udh: '0605040B8423F0' }));
    // Assess
    expect(error).toMatchObject({ code: 'invalid_binary', path: ['udh'] });
  });

  it('when the request was built without the schema and has a bad recipient, then it is still refused', () => {
    // Prepare
    const request = sendMessageSchema.parse({ to: '+79991234567', text: 'Hello' });
    const tampered = { ...request, to: '+74951234567' };
    // Act
    const error = domainErrorOf(() => prepareMessage(tampered, OPTIONS));
    // Assess
    expect(error.code).toBe('not_mobile_number');
  });
});

describe('acceptedMessageRecord', () => {
  it('when a message is accepted, then the record starts its history and omits absent fields', () => {
    // Prepare
    const request = sendMessageSchema.parse({ to: '+7 999 123 45 67', text: 'Привет', clientRef: 'r-1' });
    const prepared = prepareMessage(request, OPTIONS);
    const now = new Date('2025-03-04T05:06:07.089Z');
    // Act
    const record = acceptedMessageRecord({ id: '01JNHQ2G2H0000000000000000', request, prepared, now });
    // Assess
    expect(record).toEqual({
      id: '01JNHQ2G2H0000000000000000',
      to: '+79991234567',
      kind: 'sms',
      text: 'Привет',
      priority: 'urgent',
      encoding: 'ucs2',
      dataCoding: 8,
      parts: 1,
      validityMinutes: 1440,
      clientRef: 'r-1',
      status: 'accepted',
      history: [{ status: 'accepted', at: '2025-03-04T05:06:07.089Z' }],
      smscIds: [],
      read: false,
      clicked: false,
      createdAt: '2025-03-04T05:06:07.089Z',
      updatedAt: '2025-03-04T05:06:07.089Z',
    });
    expect(Object.values(record)).not.toContain(undefined);
  });
});
