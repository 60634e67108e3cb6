import { describe, expect, it } from 'vitest';
import { deliveryKind, receiptTextOf } from '#bind-service/dispatch/deliveries/delivery-kind.ts';
import type { DeliverSm } from '#bind-service/smpp/index.ts';
import { deliverSm } from './deliver-sm.ts';

const RECEIPT_TEXT =
  'id:42 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000';

/** A DELIVER_SM whose text reads as a receipt, whatever its flags say. */
function deliver(overrides: Partial<DeliverSm>): DeliverSm {
  return deliverSm({ shortMessage: Buffer.from(RECEIPT_TEXT, 'latin1'), ...overrides });
}

const text = () => RECEIPT_TEXT;

describe('deliveryKind', () => {
  it('when esm_class carries the receipt bits, then it is a receipt', () => {
    // Act
    const kind = deliveryKind(deliver({ esmClass: 0x04, isReceipt: true }), text, false);
    // Assess
    expect(kind).toBe('receipt');
  });

  it('when an incoming SMS only reads like a receipt, then it is incoming', () => {
    // Act
    const kind = deliveryKind(deliver({}), text, false);
    // Assess
    expect(kind).toBe('incoming');
  });

  it('when the text fallback is configured for an SMSC without receipt bits, then the text decides', () => {
    // Act
    const kind = deliveryKind(deliver({}), text, true);
    const plain = deliveryKind(deliver({}), () => 'STOP', true);
    // Assess
    expect(kind).toBe('receipt');
    expect(plain).toBe('incoming');
  });

  it('when esm_class is the default but receipted_message_id and message_state are present, then it is a receipt', () => {
    // Act
    const kind = deliveryKind(deliver({ receiptedMessageId: '42', messageState: 2 }), text, false);
    // Assess
    expect(kind).toBe('receipt');
  });

  it('when esm_class is the default and receipted_message_id comes without a readable message_state, then it is still a receipt', () => {
    // Act: a message_state of the wrong length is read as absent (smpp-package.ts).
    const kind = deliveryKind(deliver({ receiptedMessageId: '42' }), text, false);
    // Assess: before, it was stored as an incoming SMS, and the message stayed `submitted` for good.
    expect(kind).toBe('receipt');
  });

  it('when an intermediate notification (esm_class 0x20) carries receipted_message_id and message_state, then it is a receipt, not an incoming SMS', () => {
    // Act
    const kind = deliveryKind(
      deliver({ esmClass: 0x20, receiptedMessageId: '42', messageState: 1 }),
      text,
      false,
    );
    // Assess
    expect(kind).toBe('receipt');
  });

  it('when esm_class declares another message type without receipted_message_id, then it goes the receipt way (read as one or kept raw), never as a subscriber message', () => {
    // Act: an intermediate notification (0x20), SME delivery and user acknowledgements (0x08, 0x10),
    // with a UDH too. The audit of incoming messages found a 0x20 report stored and published as an
    // InboundMessageReceived "from" the recipient, its text "id:… stat:ENROUTE".
    const kinds = [0x20, 0x08, 0x10, 0x60].map((esmClass) =>
      deliveryKind(deliver({ esmClass }), text, false),
    );
    // Assess
    expect(kinds).toEqual(['receipt', 'receipt', 'receipt', 'receipt']);
  });
});

describe('receiptTextOf', () => {
  it('when a receipt comes with data_coding 0, then its bytes read as ASCII, not GSM 03.38', () => {
    // Prepare
    const text = 'id:1 stat:DELIVRD err:000 net:T2_Mobile cn:A@B$';
    // Act
    const read = receiptTextOf(deliver({ esmClass: 0x04, shortMessage: Buffer.from(text, 'latin1') }));
    // Assess
    expect(read).toBe(text);
  });

  it('when a receipt comes as UCS-2, then it is decoded as UCS-2', () => {
    // Prepare
    const bytes = Buffer.from('id:7 stat:DELIVRD', 'utf16le').swap16();
    // Act
    const read = receiptTextOf(deliver({ esmClass: 0x04, dataCoding: 8, shortMessage: bytes }));
    // Assess
    expect(read).toBe('id:7 stat:DELIVRD');
  });
});
