import { describe, expect, it } from 'vitest';
import {
  isReceiptText,
  normaliseSmscId,
  parseDeliveryReceipt,
  type ReceiptInput,
  ReceiptParseError,
} from '#core/domain/receipts/receipt.ts';

const DOCUMENT_EXAMPLE =
  'id:854019 sub:001 dlvrd:001 submit date:1108202241 done date:1108202241 stat:DELIVRD err:000';
const HLR_EXAMPLE =
  'id:855469 stat:DELIVRD err:000 imsi:250023012345678 msc:79232510066 mcc:250 mnc:02 ' +
  'cn:Russian+Federation net:MegaFON+open+Joint+Stock+Company rcn: rnet:';

describe('parseDeliveryReceipt', () => {
  it("when the provider document's example arrives as text, then every field is read", () => {
    // Prepare
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toEqual({
      smscId: '854019',
      stat: 'DELIVRD',
      outcome: 'delivered',
      errorCode: 0,
      submittedParts: 1,
      deliveredParts: 1,
      submitDate: '2011-08-20T22:41:00.000Z',
      doneDate: '2011-08-20T22:41:00.000Z',
      read: false,
      clicked: false,
      text: DOCUMENT_EXAMPLE,
    });
  });

  it('when a receipt says UNDELIV with err:001, then it is undelivered with error 1', () => {
    // Prepare
    const input: ReceiptInput = {
      text: 'id:854020 sub:001 dlvrd:000 submit date:1108202241 done date:1108202245 stat:UNDELIV err:001',
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({
      stat: 'UNDELIV',
      outcome: 'undelivered',
      errorCode: 1,
      deliveredParts: 0,
    });
    expect(receipt.doneDate).toBe('2011-08-20T22:45:00.000Z');
  });

  it('when only standard TLVs carry the receipt, then id, state and error come from them', () => {
    // Prepare
    const input: ReceiptInput = {
      text: '',
      receiptedMessageId: '00854021\0',
      messageState: 5,
      networkErrorCode: Buffer.from([0x03, 0x00, 0x0b]),
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toEqual({
      smscId: '854021',
      stat: 'UNDELIV',
      outcome: 'undelivered',
      errorCode: 11,
      read: false,
      clicked: false,
      text: '',
    });
  });

  it('when TLVs and text disagree, then the TLVs win and the text fills what they lack', () => {
    // Prepare
    const input: ReceiptInput = {
      text: 'id:111 sub:002 dlvrd:002 submit date:2401311200 done date:2401311201 stat:UNDELIV err:006',
      receiptedMessageId: '222',
      messageState: 2,
      networkErrorCode: Buffer.from([0x03, 0x00, 0x00]),
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({
      smscId: '222',
      stat: 'DELIVRD',
      outcome: 'delivered',
      errorCode: 0,
      submittedParts: 2,
      deliveredParts: 2,
      submitDate: '2024-01-31T12:00:00.000Z',
    });
  });

  it('when the TLVs carry only the id, then state and error come from the text', () => {
    // Prepare
    const input: ReceiptInput = { text: 'stat:EXPIRED err:245', receiptedMessageId: '002748' };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({ smscId: '2748', stat: 'EXPIRED', outcome: 'expired', errorCode: 245 });
  });

  it.each([
    [1, 'ENROUTE', 'enroute'],
    [2, 'DELIVRD', 'delivered'],
    [3, 'EXPIRED', 'expired'],
    [4, 'DELETED', 'undelivered'],
    [5, 'UNDELIV', 'undelivered'],
    [6, 'ACCEPTD', 'enroute'],
    [7, 'UNKNOWN', 'unknown'],
    [8, 'REJECTD', 'rejected'],
  ])('when message_state is %i, then stat is %s and the outcome %s', (messageState, stat, outcome) => {
    // Prepare
    const input: ReceiptInput = { text: '', receiptedMessageId: '1', messageState };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({ stat, outcome });
  });

  it.each([
    ['DELIVRD', 'delivered'],
    ['UNDELIV', 'undelivered'],
    ['EXPIRED', 'expired'],
    ['REJECTD', 'rejected'],
    ['DELETED', 'undelivered'],
    ['UNKNOWN', 'unknown'],
    ['ACCEPTD', 'enroute'],
    ['ENROUTE', 'enroute'],
  ])('when the text says stat:%s, then the outcome is %s', (stat, outcome) => {
    // Prepare
    const input: ReceiptInput = { text: `id:1 stat:${stat} err:000` };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({ stat, outcome });
  });

  it('when the text has odd case, reordered and missing fields and a text: tail, then it still parses', () => {
    // Prepare
    const input: ReceiptInput = {
      text: 'STAT:delivrd  Done Date:2402291530 ID:0042 Err:000 text:id:999 stat:UNDELIV err:001',
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({
      smscId: '42',
      stat: 'DELIVRD',
      errorCode: 0,
      doneDate: '2024-02-29T15:30:00.000Z',
    });
    expect(receipt.submitDate).toBeUndefined();
    expect(receipt.submittedParts).toBeUndefined();
  });

  it('when dates carry seconds, then the seconds are kept; when a date is impossible, then it is left out', () => {
    // Prepare
    const input: ReceiptInput = { text: 'id:7 submit date:240131120059 done date:2402301200 stat:DELIVRD' };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.submitDate).toBe('2024-01-31T12:00:59.000Z');
    expect(receipt).not.toHaveProperty('doneDate');
  });

  it.each([
    ['no stat at all', { text: 'id:7 err:000' }],
    ['a stat word nobody defines', { text: 'id:7 stat:SOMETHING err:000' }],
    ['a message_state past 8 and no stat', { text: 'id:7 err:000', messageState: 9 }],
  ])(
    'when the receipt has %s, then it is unparseable (stored raw; no status moves on it)',
    (_case, input: ReceiptInput) => {
      // Act / Assess: read as UNKNOWN it would end a submitted message `unknown`.
      expect(() => parseDeliveryReceipt(input)).toThrow(ReceiptParseError);
    },
  );

  it('when the text says stat:UNKNOWN, then the receipt is unknown', () => {
    // Act
    const receipt = parseDeliveryReceipt({ text: 'id:7 stat:UNKNOWN err:245' });
    // Assess
    expect(receipt).toMatchObject({ stat: 'UNKNOWN', outcome: 'unknown', errorCode: 245 });
  });

  it.each([
    ['an err of 17 digits', 'id:7 sub:001 dlvrd:001 stat:UNDELIV err:99999999999999999'],
    ['an err of 400 digits', `id:7 sub:001 dlvrd:001 stat:UNDELIV err:${'9'.repeat(400)}`],
    ['a sub and dlvrd of 20 digits', 'id:7 sub:99999999999999999999 dlvrd:99999999999999999999 stat:DELIVRD'],
  ])(
    'when the text has %s, then that field is left out: DynamoDB refuses such a number, and the SMSC would resend the receipt for good',
    (_case, text) => {
      // Act
      const receipt = parseDeliveryReceipt({ text });
      // Assess
      expect(receipt.errorCode).toBeLessThanOrEqual(0xffff);
      for (const count of [receipt.submittedParts, receipt.deliveredParts])
        if (count !== undefined) expect(count).toBeLessThanOrEqual(999);
    },
  );

  it('when network_error_code is shorter than 3 octets, then the text err: is used', () => {
    // Prepare
    const input: ReceiptInput = { text: 'id:7 stat:UNDELIV err:013', networkErrorCode: Buffer.from([0x03]) };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.errorCode).toBe(13);
  });

  it('when network_error_code holds a two-byte code, then it is read big-endian after the network type', () => {
    // Prepare
    const input: ReceiptInput = {
      text: 'id:7 stat:UNDELIV',
      networkErrorCode: Buffer.from([0x03, 0x00, 0xfd]),
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.errorCode).toBe(253);
  });

  it('when the SMSC writes hex ids, then the receipt id is normalised in that base, as SUBMIT_SM_RESP ids are', () => {
    // Prepare
    const input: ReceiptInput = {
      text: 'id:D0833 stat:DELIVRD',
      receiptedMessageId: '000D0833',
      smscIdBase: 'hex',
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.smscId).toBe('d0833');
    expect(receipt.smscId).toBe(normaliseSmscId('D0833', 'hex'));
  });

  it('when no base is given, then a zero-padded decimal id is normalised and nothing is read as hex', () => {
    // Act
    const padded = parseDeliveryReceipt({ text: 'id:000854067 stat:DELIVRD' });
    const lettered = parseDeliveryReceipt({ text: 'id:D0833 stat:DELIVRD' });
    // Assess
    expect(padded.smscId).toBe('854067');
    expect(lettered.smscId).toBe('d0833');
  });

  it.each([
    ['an empty text and no TLV', { text: '' }],
    ['an MO-like text', { text: 'hello, how are you?' }],
    ['an empty id', { text: 'id: stat:DELIVRD err:000' }],
    ['a blank TLV id', { text: 'stat:DELIVRD', receiptedMessageId: ' \0' }],
  ])('when a receipt has %s, then it is refused as unparseable', (_, input: ReceiptInput) => {
    // Prepare
    // Act
    const parse = () => parseDeliveryReceipt(input);
    // Assess
    expect(parse).toThrow(ReceiptParseError);
    expect(parse).toThrow(expect.objectContaining({ code: 'receipt_unparseable' }));
  });
});

describe('isReceiptText', () => {
  it.each([
    [DOCUMENT_EXAMPLE, true],
    [HLR_EXAMPLE, true],
    ['stat:UNDELIV id:5', true],
    ['Hello, see you at 5', false],
    ['id:5 is my order', false],
    ['my stat:DELIVRD', false],
    ['text:id:1 stat:DELIVRD', false],
    ['id:5 stat:GREAT', false],
  ])('when the text is %j, then it is a receipt: %s', (text, expected) => {
    // Prepare
    // Act
    const result = isReceiptText(text);
    // Assess
    expect(result).toBe(expected);
  });
});
