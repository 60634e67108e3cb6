import { describe, expect, it } from 'vitest';
import { addressText, readIncoming } from '#bind-service/dispatch/deliveries/incoming.ts';
import { decodeParts, encodeMessage } from '#core/domain/encoding/index.ts';
import { deliverSm } from './deliver-sm.ts';

describe('incoming message parts', () => {
  it('when the sender is an international number, then it is stored in E.164; an alphanumeric one as sent', () => {
    // Act / Assess
    expect(addressText({ addr: '79990001122', ton: 1, npi: 1 })).toBe('+79990001122');
    expect(addressText({ addr: 'Shop', ton: 5, npi: 0 })).toBe('Shop');
    expect(addressText({ addr: '1234', ton: 3, npi: 1 })).toBe('1234');
  });

  it('when a single GSM message arrives, then its text is decoded and it has no part info', () => {
    // Prepare
    const encoded = encodeMessage('Hello @ there', { encoding: 'gsm7' });
    // Act
    const part = readIncoming(deliverSm({ shortMessage: encoded.parts[0] }), false);
    // Assess
    expect(part).toEqual({ from: '+79990001122', to: 'Shop', text: 'Hello @ there' });
  });

  it('when a part carries a concatenation UDH, then its reference, total and index are read', () => {
    // Prepare
    const encoded = encodeMessage('Ы'.repeat(100), { reference: 42 });
    // Act
    const part = readIncoming(
      deliverSm({ shortMessage: encoded.parts[1], esmClass: 0x40, dataCoding: 8 }),
      false,
    );
    // Assess
    expect(part.concat).toEqual({ reference: 42, total: 2, index: 2 });
    expect(part.concat && decodeParts([part.payload])).toBe('Ы'.repeat(33));
  });

  it('when the SMSC splits with SAR TLVs instead of a UDH, then those give the part info', () => {
    // Act
    const part = readIncoming(
      deliverSm({
        shortMessage: Buffer.from('second half', 'latin1'),
        sar: { refNum: 300, totalSegments: 2, segmentSeqnum: 2 },
      }),
      false,
    );
    // Assess
    expect(part.concat).toEqual({ reference: 300, total: 2, index: 2 });
    expect(part.concat && decodeParts([part.payload])).toBe('second half');
  });

  it('when the UDH overruns the message, then the bytes are kept as text rather than refused', () => {
    // Act
    const part = readIncoming(
      deliverSm({ esmClass: 0x40, shortMessage: Buffer.from([0x20, 0x41, 0x42]) }),
      true,
    );
    // Assess
    expect(part.concat).toBeUndefined();
    expect(part).toMatchObject({ text: ' AB' });
  });

  it('when the payload comes as message_payload, then it is used instead of short_message', () => {
    // Act
    const part = readIncoming(deliverSm({ messagePayload: Buffer.from('payload text', 'latin1') }), true);
    // Assess
    expect(part).toMatchObject({ text: 'payload text' });
  });
});
