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
});
