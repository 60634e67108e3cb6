// DELIVER_SMs framed right (their command_length is true) whose body breaks its layout. The package
// read them loosely and the engine acknowledged them ESME_ROK as stored: a text cut short, an
// empty incoming message, one stored under shifted addresses. Now each is unreadable: answered
// ESME_RX_P_APPN (refused for good: its bytes come back the same, connection.ts says why), never
// handed to the handler, reported by an 'unreadable-pdu' event, and the PDU behind it is read as
// usual. A raw SMSC on 127.0.0.1 writes the bytes (raw-smsc.ts).
import { describe, expect, it } from 'vitest';
import { Status } from '#bind-service/smpp/index.ts';
import { elapse } from '#test/helpers/wait.ts';
import { useCleanup } from './fixtures.ts';
import { boundEngine, cstring, deliverBody, deliverSm, tlv } from './raw-smsc.ts';

const MALFORMED: { name: string; body: () => Buffer; reason: string }[] = [
  {
    // 'hello' (5 octets) declared as 40: the handler got "hello" and it was stored.
    name: 'sm_length runs 35 octets past the end of the PDU',
    body: () => deliverBody({ smLength: 40 }),
    reason: 'short_message declares 40 octets (sm_length), 5 left',
  },
  {
    // A receipt whose receipted_message_id TLV says 200 octets where 4 are.
    name: 'a TLV length runs past the end of the PDU',
    body: () =>
      Buffer.concat([
        deliverBody({ text: Buffer.from('id:1 stat:DELIVRD', 'latin1'), esmClass: 0x04 }),
        tlv(0x001e, cstring('123'), 200),
      ]),
    reason: 'TLV 0x001e',
  },
  {
    // command_length 17: service_type's NUL and nothing else. An empty MO was stored.
    name: 'the body stops after service_type',
    body: () => Buffer.from([0]),
    reason: 'the PDU ends before source_addr_ton',
  },
  {
    // source_addr without its NUL, the TON after it (5) read into it, every later field one off.
    name: 'source_addr has no NUL and the next octet is a TON of 5',
    body: () => deliverBody({ source: Buffer.from('79990001122', 'latin1') }),
    reason: 'source_addr at offset 19 holds a control octet',
  },
  {
    // source_addr without its NUL, and a destination TON of 0 standing in for it: the reading is
    // back in step after destination_addr, which came out as "234" with NPI '1' (0x31).
    name: 'source_addr has no NUL and the next octet is a TON of 0',
    body: () =>
      deliverBody({
        source: Buffer.from('79990001122', 'latin1'),
        afterSource: Buffer.from([0, 1]),
        destination: cstring('1234'),
      }),
    reason: 'dest_addr_npi at offset 32 is 0x31',
  },
  {
    name: 'destination_addr runs past its SMPP 3.4 maximum of 21 octets',
    body: () => deliverBody({ destination: cstring('7'.repeat(25)) }),
    reason: 'destination_addr at offset 33 has no NUL within its 21 octets',
  },
];

describe('engine facing malformed DELIVER_SMs', () => {
  const defer = useCleanup();

  for (const malformed of MALFORMED) {
    it(`when a DELIVER_SM's ${malformed.name}, then it is answered ESME_RX_P_APPN without reaching the handler, and the valid DELIVER_SM behind it is stored and answered ESME_ROK`, async () => {
      // Prepare
      const { smsc, socket, handled, unreadable, disconnects } = await boundEngine(defer);
      // Act
      socket.write(Buffer.concat([deliverSm(41, malformed.body()), deliverSm(42)]));
      await elapse(300);
      // Assess
      expect(smsc.answerTo(41)).toEqual({
        command: 'deliver_sm_resp',
        sequence: 41,
        status: Status.ESME_RX_P_APPN,
        bind: 1,
      });
      expect(smsc.answerTo(42)).toEqual({ command: 'deliver_sm_resp', sequence: 42, status: 0, bind: 1 });
      expect(handled.map((d) => d.sequenceNumber)).toEqual([42]);
      expect(handled[0]).toMatchObject({
        source: { addr: '79990001122', ton: 1, npi: 1 },
        destination: { addr: 'Shop', ton: 5, npi: 0 },
      });
      expect(handled[0]?.shortMessage.toString('latin1')).toBe('hello');
      expect(unreadable).toEqual([
        expect.objectContaining({
          commandId: 5,
          sequenceNumber: 41,
          answeredStatus: Status.ESME_RX_P_APPN,
          reason: expect.stringContaining(malformed.reason),
        }),
      ]);
      expect(disconnects).toEqual([]);
      expect(smsc.binds()).toBe(1);
    });
  }

  it('when valid DELIVER_SMs carry empty strings, full-length addresses, TLVs and no text, then they are read as before and answered ESME_ROK', async () => {
    // Prepare
    const { smsc, socket, handled, unreadable } = await boundEngine(defer);
    const receipt = Buffer.concat([
      deliverBody({
        source: cstring('7'.repeat(20)),
        destination: cstring('A'.repeat(20)),
        text: Buffer.from('id:77 stat:DELIVRD', 'latin1'),
        esmClass: 0x04,
      }),
      tlv(0x001e, cstring('77')),
      tlv(0x0427, Buffer.from([2])),
      tlv(0x2002, Buffer.from([0, 1])),
    ]);
    const payloadOnly = Buffer.concat([
      deliverBody({ text: Buffer.alloc(0) }),
      tlv(0x0424, Buffer.from('a longer text', 'latin1')),
    ]);
    // Act
    socket.write(Buffer.concat([deliverSm(61, receipt), deliverSm(62, payloadOnly)]));
    await elapse(300);
    // Assess
    expect(unreadable).toEqual([]);
    expect([smsc.answerTo(61)?.status, smsc.answerTo(62)?.status]).toEqual([0, 0]);
    expect(handled.map((d) => [d.sequenceNumber, d.source.addr, d.destination.addr])).toEqual([
      [61, '7'.repeat(20), 'A'.repeat(20)],
      [62, '79990001122', 'Shop'],
    ]);
    expect(handled[0]).toMatchObject({ isReceipt: true, receiptedMessageId: '77', messageState: 2 });
    expect(handled[1]?.messagePayload?.toString('latin1')).toBe('a longer text');
  });
  it.each([
    {
      // The package read the next tag's first octet (0x04) as the state: DELETED for a DELIVRD,
      // stored so and answered ESME_ROK; refusing it would lose the receipt for good.
      name: 'a message_state of length 0 before network_error_code',
      tlvs: () => [tlv(0x0427, Buffer.alloc(0)), tlv(0x0423, Buffer.from([3, 0, 0]))],
      read: { messageState: undefined, networkErrorCode: Buffer.from([3, 0, 0]) },
    },
    {
      // The package read past the PDU and the DELIVER_SM was refused.
      name: 'a message_state of length 0 at the end',
      tlvs: () => [tlv(0x0427, Buffer.alloc(0))],
      read: { messageState: undefined },
    },
    {
      // 0x00 and the next tag's 0x20 read as flags 0x0020: "paid from the second balance".
      name: 'the provider flags (0x2001) of one octet before mcc+mnc',
      tlvs: () => [
        tlv(0x0427, Buffer.from([2])),
        tlv(0x2001, Buffer.from([0x00])),
        tlv(0x2003, cstring('25001')),
      ],
      read: { messageState: 2, providerTlvs: { mccmnc: '25001' } },
    },
  ])(
    'when a receipt carries $name, then that TLV is read as absent, the others as sent, and the receipt is answered ESME_ROK',
    async ({ tlvs, read }) => {
      // Prepare
      const { smsc, socket, handled, unreadable } = await boundEngine(defer);
      const receipt = Buffer.concat([
        deliverBody({ text: Buffer.from('id:1000001 stat:DELIVRD err:000', 'latin1'), esmClass: 0x04 }),
        tlv(0x001e, cstring('1000001')),
        ...tlvs(),
      ]);
      // Act
      socket.write(deliverSm(71, receipt));
      await elapse(300);
      // Assess
      expect({ unreadable, status: smsc.answerTo(71)?.status }).toEqual({ unreadable: [], status: 0 });
      expect(handled).toHaveLength(1);
      const [delivery] = handled;
      expect({
        messageState: delivery?.messageState,
        ...(read.networkErrorCode ? { networkErrorCode: delivery?.networkErrorCode } : {}),
        ...(read.providerTlvs ? { providerTlvs: delivery?.providerTlvs } : {}),
      }).toEqual(read);
    },
  );
});
