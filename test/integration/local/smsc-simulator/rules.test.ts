import { afterEach, describe, expect, it } from 'vitest';
import { PROVIDER_TLV } from '#bind-service/smpp/codec.ts';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import { networkError, shortText } from '#test/helpers/smpp/simulator-client.ts';
import { SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RSUBMITFAIL = 0x45;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

function gsm(text: string): Buffer {
  const [part] = encodeMessage(text, { encoding: 'gsm7' }).parts;
  if (!part) throw new Error('no part');
  return part;
}

describe('simulator provider rules', () => {
  it('when the same text goes to the same number twice within the window, then the second is refused', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const send = { destination_addr: '79990000001', short_message: Buffer.from('same text') };
    // Act
    const first = await client.submit(send);
    const second = await client.submit(send);
    const otherNumber = await client.submit({ ...send, destination_addr: '79990000002' });
    // Assess
    expect(first.command_status).toBe(0);
    expect(second.command_status).toBe(ESME_RSUBMITFAIL);
    expect(otherNumber.command_status).toBe(0);
    expect(simulator.messages).toHaveLength(2);
  });

  it('when a Telegram code is not 4 to 8 digits, then it is refused at submit, and a good one is accepted', async () => {
    // Prepare: the provider document: "Only numeric codes with a length from 4 to 8 digits are
    // accepted for sending".
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const codes = ['123', '123456789', 'abcd', '1234', '12345678'];
    // Act
    const statuses: number[] = [];
    for (const [index, code] of codes.entries()) {
      const response = await client.submit({
        destination_addr: `7999000010${index}`,
        short_message: gsm(`__TGM__: ${code}`),
        registered_delivery: 1,
      });
      statuses.push(response.command_status ?? -1);
    }
    // Assess
    expect(statuses).toEqual([ESME_RSUBMITFAIL, ESME_RSUBMITFAIL, ESME_RSUBMITFAIL, 0, 0]);
  });

  it('when an ISO session sends a message_payload with and without a comment, then both count the same parts (ISO-8859-1 sizes)', async () => {
    // Prepare: 150 Latin-1 characters are 2 parts of 134 under ISO (160/153 is GSM's).
    const simulator = await harness.start({ receiptDelayMs: 0 });
    const client = await harness.bind(simulator, { systemType: 'ISO' });
    const text = 'a'.repeat(150);
    // Act
    for (const [index, body] of [text, `${text}\n~~~\nnote`].entries()) {
      await client.submit({
        destination_addr: `7999000020${index}`,
        data_coding: 0,
        message_payload: Buffer.from(body, 'latin1'),
        registered_delivery: 1,
      });
    }
    const receipts = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 2, 3_000);
    // Assess
    expect(receipts.map((receipt) => receipt[PROVIDER_TLV.parts])).toEqual([2, 2]);
  });

  it('when the duplicate rule is off, then identical sends are accepted', async () => {
    // Prepare
    const simulator = await harness.start({ duplicateWindowMs: 0 });
    const client = await harness.bind(simulator);
    const send = { destination_addr: '79990000001', short_message: Buffer.from('same text') };
    // Act
    const responses = [await client.submit(send), await client.submit(send)];
    // Assess
    expect(responses.map((r) => r.command_status)).toEqual([0, 0]);
  });

  it('when more than the flood limit go to one number in quick succession, then the excess fails with err 251', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 0, floodLimit: 3 });
    const client = await harness.bind(simulator);
    // Act
    for (let i = 0; i < 5; i++) {
      await client.submit({
        destination_addr: '79990000001',
        short_message: Buffer.from(`text ${i}`),
        registered_delivery: 1,
      });
    }
    const receipts = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 5);
    // Assess
    const errors = receipts
      .sort((a, b) => Number(a.receipted_message_id) - Number(b.receipted_message_id))
      .map((r) => networkError(r));
    expect(errors).toEqual([0, 0, 0, 251, 251]);
  });

  it('when an HLR request is sent, then the receipt comes in the provider HLR form with message type 4', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 0 });
    const client = await harness.bind(simulator);
    // Act
    const response = await client.submit({
      destination_addr: '79991234567',
      short_message: gsm('__HLR__'),
      registered_delivery: 1,
    });
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(shortText(receipt!)).toBe(
      `id:${response.message_id} stat:DELIVRD err:000 imsi:250019991234567 msc:79232510066 mcc:250 mnc:01 ` +
        'cn:Russian+Federation net:MTS+PJSC rcn: rnet:',
    );
    expect(receipt![PROVIDER_TLV.flags]).toBe(4);
    expect(simulator.messages[0]?.kind).toBe('hlr');
  });

  it('when outcome rules match, then the first matching rule decides the receipt', async () => {
    // Prepare
    const simulator = await harness.start({
      receiptDelayMs: 0,
      outcomeRules: [
        { match: /^7999000000[12]$/, stat: 'UNDELIV', err: 1 },
        { match: (m) => m.text.includes('late'), stat: 'EXPIRED', err: 245 },
        { match: /^7999/, stat: 'REJECTD', err: 253 },
      ],
    });
    const client = await harness.bind(simulator);
    const sends: Array<[string, string]> = [
      ['79990000001', 'a'],
      ['79880000000', 'too late'],
      ['79990000009', 'b'],
      ['78880000000', 'c'],
    ];
    // Act
    const ids: string[] = [];
    for (const [destination, text] of sends) {
      const response = await client.submit({
        destination_addr: destination,
        short_message: Buffer.from(text),
        registered_delivery: 1,
      });
      ids.push(response.message_id ?? '');
    }
    const receipts = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 4);
    // Assess
    const byId = new Map(receipts.map((r) => [r.receipted_message_id, r]));
    const seen = ids.map((id) => [byId.get(id)?.message_state, networkError(byId.get(id)!)]);
    expect(seen).toEqual([
      [5, 1],
      [3, 245],
      [8, 253],
      [2, 0],
    ]);
  });

  it('when an outcome with a follow-up is scripted for a number, then a second receipt says read', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 5 });
    simulator.scriptOutcome('79990000007', { stat: 'DELIVRD', followUp: 'read' });
    const client = await harness.bind(simulator);
    // Act
    const response = await client.submit({
      destination_addr: '79990000007',
      short_message: Buffer.from('did you read it?'),
      registered_delivery: 1,
    });
    const receipts = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 2);
    // Assess
    expect(receipts.map((r) => r.receipted_message_id)).toEqual([response.message_id, response.message_id]);
    expect(receipts.map((r) => r[PROVIDER_TLV.extraStatus])).toEqual([undefined, 2]);
    expect(receipts.every((r) => r.message_state === 2)).toBe(true);
  });

  it('when registered_delivery asks for failures only, then a delivered message sends no receipt', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 0 });
    simulator.scriptOutcome('79990000002', { stat: 'UNDELIV', err: 6 });
    const client = await harness.bind(simulator);
    // Act
    await client.submit({
      destination_addr: '79990000001',
      short_message: Buffer.from('ok'),
      registered_delivery: 2,
    });
    await client.submit({
      destination_addr: '79990000002',
      short_message: Buffer.from('ko'),
      registered_delivery: 2,
    });
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    await simulator.waitFor(() => simulator.undeliveredReceipts === 0);
    // Assess
    expect(client.receipts()).toHaveLength(1);
    expect(receipt!.source_addr).toBe('79990000002');
    expect(networkError(receipt!)).toBe(6);
  });
});
