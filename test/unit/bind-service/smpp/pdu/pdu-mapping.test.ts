import { describe, expect, it } from 'vitest';
import {
  fromDeliverPdu,
  fromQueryResp,
  genericNackOutcome,
  submitRespOutcome,
  toSubmitPdu,
} from '#bind-service/smpp/pdu/pdu-mapping.ts';
import { type PduFields, PROVIDER_TLV, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';

function roundTrip(command: 'deliver_sm' | 'query_sm_resp' | 'submit_sm', fields: PduFields) {
  return new smpp.PDU(new smpp.PDU(command, { sequence_number: 7, ...fields }).toBuffer());
}

describe('submit outcomes', () => {
  it.each([
    [
      { command_status: 0, message_id: '855469' },
      { kind: 'accepted', messageId: '855469' },
    ],
    [{ command_status: 0x58 }, { kind: 'throttled' }],
    [{ command_status: 0x14 }, { kind: 'throttled' }],
    [{ command_status: 0x0b }, { kind: 'rejected', commandStatus: 0x0b, name: 'ESME_RINVDSTADR' }],
  ])('when submit_sm_resp is %o, then the outcome is %o', (pdu, expected) => {
    // Act
    const outcome = submitRespOutcome(pdu);
    // Assess
    expect(outcome).toEqual(expected);
  });

  it('when a generic_nack answers a submit, then a status means rejected and no status means unknown', () => {
    // Act
    const badLength = genericNackOutcome(0x02);
    const throttled = genericNackOutcome(0x58);
    const noStatus = genericNackOutcome(0);
    // Assess
    expect(badLength).toEqual({ kind: 'rejected', commandStatus: 0x02, name: 'ESME_RINVCMDLEN' });
    expect(throttled).toEqual({ kind: 'throttled' });
    expect(noStatus).toEqual({ kind: 'unknown', reason: 'generic-nack' });
  });
});

describe('toSubmitPdu', () => {
  const submit = {
    source_addr: 'Shop',
    source_addr_ton: 5,
    source_addr_npi: 0,
    destination_addr: '79991234567',
    dest_addr_ton: 1,
    dest_addr_npi: 1,
    esm_class: 0x40,
    data_coding: 8,
    short_message: Buffer.from([0x05, 0x00, 0x03, 0x2a, 0x02, 0x01, 0x41]),
    registered_delivery: 1,
  };

  it('when optional fields are absent, then they are left to the package defaults and bytes pass as is', () => {
    // Prepare
    const bytes = submit.short_message;
    // Act
    const fields = toSubmitPdu(submit) ?? {};
    const decoded = roundTrip('submit_sm', fields);
    // Assess
    expect(Object.keys(fields)).not.toContain('validity_period');
    expect(decoded.short_message).toEqual(bytes);
    expect(decoded.esm_class).toBe(0x40);
    expect(decoded.data_coding).toBe(8);
    expect(decoded.registered_delivery).toBe(1);
  });

  it('when the validity_period function gives a period, then it is counted as the PDU is built', () => {
    // Prepare
    let calls = 0;
    const validity = () => {
      calls += 1;
      return '000000000130000R';
    };
    // Act
    const fields = toSubmitPdu({ ...submit, validity_period: validity });
    // Assess: once, so the engine reads the clock once per PDU.
    expect({ validity: fields?.validity_period, calls }).toEqual({ validity: '000000000130000R', calls: 1 });
  });

  it('when the validity_period function says the message may no longer go, then there is no PDU to write', () => {
    // Act
    const fields = toSubmitPdu({ ...submit, validity_period: () => undefined });
    // Assess
    expect(fields).toBeUndefined();
  });
});

describe('fromDeliverPdu', () => {
  it('when a receipt carries standard and provider TLVs, then every field is typed', () => {
    // Prepare
    const text =
      'id:854019 sub:001 dlvrd:001 submit date:1108202241 done date:1108202241 stat:DELIVRD err:000';
    const pdu = roundTrip('deliver_sm', {
      source_addr: '79991234567',
      source_addr_ton: 1,
      source_addr_npi: 1,
      destination_addr: 'Shop',
      dest_addr_ton: 5,
      esm_class: 0x04,
      short_message: Buffer.from(text),
      receipted_message_id: '854019',
      message_state: 2,
      network_error_code: Buffer.from([0x03, 0x00, 0x00]),
      [PROVIDER_TLV.cost]: '1.5000',
      [PROVIDER_TLV.flags]: 0x0100,
      [PROVIDER_TLV.parts]: 1,
      [PROVIDER_TLV.mccmnc]: '25001',
    });
    // Act
    const delivery = fromDeliverPdu(pdu);
    // Assess
    expect(delivery).toMatchObject({
      sequenceNumber: 7,
      isReceipt: true,
      esmClass: 0x04,
      source: { addr: '79991234567', ton: 1, npi: 1 },
      destination: { addr: 'Shop', ton: 5, npi: 0 },
      receiptedMessageId: '854019',
      messageState: 2,
      providerTlvs: { cost: '1.5000', flags: 0x0100, parts: 1, mccmnc: '25001' },
    });
    expect(delivery.shortMessage.toString()).toBe(text);
    expect(delivery.networkErrorCode).toEqual(Buffer.from([0x03, 0x00, 0x00]));
    expect(delivery.providerTlvs).not.toHaveProperty('extraStatus');
  });

  it('when a deliver_sm is an MO with a UDH, then it is not a receipt and the bytes are untouched', () => {
    // Prepare
    const bytes = Buffer.from([0x05, 0x00, 0x03, 0x01, 0x02, 0x01, 0x04, 0x1f]);
    const pdu = roundTrip('deliver_sm', { esm_class: 0x40, data_coding: 8, short_message: bytes });
    // Act
    const delivery = fromDeliverPdu(pdu);
    // Assess
    expect(delivery.isReceipt).toBe(false);
    expect(delivery.shortMessage).toEqual(bytes);
    expect(delivery.dataCoding).toBe(8);
    expect(delivery.receiptedMessageId).toBeUndefined();
  });
});

describe('fromQueryResp', () => {
  it('when query_sm_resp carries a state, then it maps to a QueryResult', () => {
    // Prepare
    const pdu = roundTrip('query_sm_resp', { message_id: '42', message_state: 2, error_code: 0 });
    // Act
    const result = fromQueryResp(pdu);
    // Assess
    expect(result).toEqual({ messageId: '42', messageState: 2, errorCode: 0 });
  });
});
