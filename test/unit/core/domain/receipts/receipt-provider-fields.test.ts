import { describe, expect, it } from 'vitest';
import { parseDeliveryReceipt, type ReceiptInput } from '#core/domain/receipts/receipt.ts';

const DOCUMENT_EXAMPLE =
  'id:854019 sub:001 dlvrd:001 submit date:1108202241 done date:1108202241 stat:DELIVRD err:000';
const HLR_EXAMPLE =
  'id:855469 stat:DELIVRD err:000 imsi:250023012345678 msc:79232510066 mcc:250 mnc:02 ' +
  'cn:Russian+Federation net:MegaFON+open+Joint+Stock+Company rcn: rnet:';

describe("parseDeliveryReceipt: the provider's own fields and HLR answers", () => {
  it('when the provider TLVs are present, then cost, parts, mcc/mnc and extra status are reported', () => {
    // Prepare
    const input: ReceiptInput = {
      text: DOCUMENT_EXAMPLE,
      tlvs: { cost: ' 1.2500\0', parts: 3, mccmnc: '25002', extraStatus: 6, flags: 0 },
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({
      cost: '1.2500',
      parts: 3,
      mccmnc: '25002',
      mcc: '250',
      mnc: '02',
      read: true,
      clicked: true,
      messageType: 'sms',
      paidFromSecondBalance: false,
      template: false,
    });
    expect(receipt).not.toHaveProperty('templateType');
  });

  it.each([
    [2, true, false],
    [4, false, true],
    [6, true, true],
    [0, false, false],
  ])('when extra status is %i, then read is %s and clicked %s', (extraStatus, read, clicked) => {
    // Prepare
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE, tlvs: { extraStatus } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect({ read: receipt.read, clicked: receipt.clicked }).toEqual({ read, clicked });
  });

  it.each([
    [0, 'sms'],
    [1, 'flash'],
    [2, 'binary'],
    [3, 'wap-push'],
    [4, 'hlr'],
    [5, 'ping'],
    [6, 'mms'],
    [7, 'call'],
    [8, 'mail'],
    [9, 'unknown'],
    [10, 'viber'],
    [11, 'unknown'],
    [12, 'social'],
    [15, 'unknown'],
  ])('when the flags type bits are %i, then the message type is %s', (flags, messageType) => {
    // Prepare
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE, tlvs: { flags } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.messageType).toBe(messageType);
  });

  it.each([
    [0x0100, 'service'],
    [0x0300, 'transactional'],
    [0x0500, 'authorization'],
    [0x0700, 'advertising'],
  ])('when the flags are %i with the template bit, then the template type is %s', (flags, templateType) => {
    // Prepare
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE, tlvs: { flags } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({ template: true, templateType });
  });

  it('when the template type bits are set without the template bit, then no template type is reported', () => {
    // Prepare
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE, tlvs: { flags: 0x0600 } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.template).toBe(false);
    expect(receipt).not.toHaveProperty('templateType');
  });

  it('when flags combine viber, second balance and an advertising template, then each part is read', () => {
    // Prepare
    const flags = 10 | (1 << 5) | (1 << 8) | (0b11 << 9);
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE, tlvs: { flags } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({
      messageType: 'viber',
      paidFromSecondBalance: true,
      template: true,
      templateType: 'advertising',
    });
  });

  it('when the cost is not a decimal number, then it is left out rather than guessed', () => {
    // Prepare
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE, tlvs: { cost: '1,25' } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).not.toHaveProperty('cost');
  });

  it("when the provider document's HLR example arrives, then its fields are URL-decoded and empty ones left out", () => {
    // Prepare
    const input: ReceiptInput = { text: HLR_EXAMPLE };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).toMatchObject({ smscId: '855469', stat: 'DELIVRD', errorCode: 0, mcc: '250', mnc: '02' });
    expect(receipt.mccmnc).toBe('25002');
    expect(receipt.hlr).toEqual({
      imsi: '250023012345678',
      msc: '79232510066',
      mcc: '250',
      mnc: '02',
      countryName: 'Russian Federation',
      networkName: 'MegaFON open Joint Stock Company',
    });
  });

  it('when an HLR subscriber roams, then rcn and rnet are not mistaken for cn and net', () => {
    // Prepare
    const input: ReceiptInput = {
      text: 'id:1 stat:DELIVRD err:000 imsi:1 msc:2 mcc:250 mnc:01 rnet:Roam%20Net rcn:Fin%C3%A9 net:Home+Net cn:Here',
    };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.hlr).toMatchObject({
      countryName: 'Here',
      networkName: 'Home Net',
      roamingCountryName: 'Finé',
      roamingNetworkName: 'Roam Net',
    });
  });

  it('when an empty HLR field is followed by a field this code does not know, then it stays empty', () => {
    // Prepare: not roaming (rnet empty), then one more field; the provider's own parsers (strtr ": "
    // to "=&" then parse_str, or ([^ ]*) per field) give rnet '' whatever follows.
    const input: ReceiptInput = { text: `${HLR_EXAMPLE} ported:1` };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.hlr).toEqual({
      imsi: '250023012345678',
      msc: '79232510066',
      mcc: '250',
      mnc: '02',
      countryName: 'Russian Federation',
      networkName: 'MegaFON open Joint Stock Company',
    });
  });

  it('when a field this code does not know follows an empty rcn, then rcn stays empty', () => {
    // Prepare
    const input: ReceiptInput = { text: HLR_EXAMPLE.replace('rcn: rnet:', 'rcn: ported:1 rnet:Roam+Net') };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.hlr?.roamingCountryName).toBeUndefined();
    expect(receipt.hlr?.roamingNetworkName).toBe('Roam Net');
  });

  it('when an HLR name is url-encoded in windows-1251, then it is decoded; a stray % stays', () => {
    // Prepare
    const input: ReceiptInput = { text: 'id:1 stat:DELIVRD imsi:1 cn:%D0%EE%F1%F1%E8%FF+x% net:%CC%D2%D1' };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.hlr?.countryName).toBe('Россия x%');
    expect(receipt.hlr?.networkName).toBe('МТС');
  });

  it('when an HLR name carries ASCII "_", then it stays "_"', () => {
    // Prepare
    const input: ReceiptInput = { text: 'id:1 stat:DELIVRD imsi:1 net:T2_Mobile cn:Russian+Federation' };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.hlr).toMatchObject({ networkName: 'T2_Mobile', countryName: 'Russian Federation' });
  });

  it('when the flags say HLR but the text has no HLR fields, then an empty HLR result is present', () => {
    // Prepare
    const input: ReceiptInput = { text: 'id:1 stat:UNDELIV err:001', tlvs: { flags: 4 } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt.hlr).toEqual({});
  });

  it('when the receipt is not an HLR one, then there is no HLR result', () => {
    // Prepare
    const input: ReceiptInput = { text: DOCUMENT_EXAMPLE, tlvs: { flags: 0 } };
    // Act
    const receipt = parseDeliveryReceipt(input);
    // Assess
    expect(receipt).not.toHaveProperty('hlr');
  });
});
