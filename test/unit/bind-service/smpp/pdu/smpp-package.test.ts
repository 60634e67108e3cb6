import { describe, expect, it } from 'vitest';
import { PROVIDER_TLV, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';

describe('smpp package adaptation', () => {
  it('when a submit_sm carries raw bytes, then they round-trip unchanged with the data_coding we set', () => {
    // Prepare
    const bytes = Buffer.from([0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 0x04, 0x1f]);
    const pdu = new smpp.PDU('submit_sm', {
      destination_addr: '79991234567',
      data_coding: 8,
      esm_class: 0x40,
      short_message: bytes,
    });
    // Act
    const decoded = new smpp.PDU(pdu.toBuffer());
    // Assess
    expect(decoded.short_message).toEqual(bytes);
    expect(decoded.data_coding).toBe(8);
    expect(decoded.esm_class).toBe(0x40);
  });

  it('when a deliver_sm carries the provider TLVs, then they decode by name', () => {
    // Prepare
    const pdu = new smpp.PDU('deliver_sm', {
      short_message: Buffer.from('id:1 stat:DELIVRD'),
      [PROVIDER_TLV.cost]: '1.2500',
      [PROVIDER_TLV.flags]: 0x0101,
      [PROVIDER_TLV.parts]: 2,
      [PROVIDER_TLV.mccmnc]: '25002',
      [PROVIDER_TLV.extraStatus]: 4,
    });
    // Act
    const decoded = new smpp.PDU(pdu.toBuffer());
    // Assess
    expect(decoded[PROVIDER_TLV.cost]).toBe('1.2500');
    expect(decoded[PROVIDER_TLV.flags]).toBe(0x0101);
    expect(decoded[PROVIDER_TLV.parts]).toBe(2);
    expect(decoded[PROVIDER_TLV.mccmnc]).toBe('25002');
    expect(decoded[PROVIDER_TLV.extraStatus]).toBe(4);
  });

  it('when the SMSC writes the string TLVs without a NUL (within their length), then each reads as its own value, not into the next TLV', () => {
    // Prepare: receipted_message_id, cost and mccmnc as exact-length octets, each followed by a
    // TLV.
    const tlv = (tag: number, value: Buffer) => {
      const head = Buffer.alloc(4);
      head.writeUInt16BE(tag, 0);
      head.writeUInt16BE(value.length, 2);
      return Buffer.concat([head, value]);
    };
    const int16 = (value: number) => Buffer.from([value >> 8, value & 0xff]);
    const body = new smpp.PDU('deliver_sm', { short_message: Buffer.from('id:1 stat:DELIVRD') }).toBuffer();
    const tlvs = Buffer.concat([
      tlv(0x001e, Buffer.from('1000001')),
      tlv(0x0427, Buffer.from([2])),
      tlv(0x2000, Buffer.from('1.5000')),
      tlv(0x2001, int16(0x0000)),
      tlv(0x2003, Buffer.from('25001')),
      tlv(0x2002, int16(1)),
    ]);
    const raw = Buffer.concat([body, tlvs]);
    raw.writeUInt32BE(raw.length, 0);
    // Act
    const decoded = new smpp.PDU(raw);
    // Assess
    expect({
      receipted: decoded.receipted_message_id,
      cost: decoded[PROVIDER_TLV.cost],
      mccmnc: decoded[PROVIDER_TLV.mccmnc],
      parts: decoded[PROVIDER_TLV.parts],
    }).toEqual({ receipted: '1000001', cost: '1.5000', mccmnc: '25001', parts: 1 });
  });
});
