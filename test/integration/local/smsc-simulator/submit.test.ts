import { afterEach, describe, expect, it } from 'vitest';
import { PROVIDER_TLV } from '#bind-service/smpp/codec.ts';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import { networkError, shortText } from '#test/helpers/smpp/simulator-client.ts';
import { ACCOUNT, SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RTHROTTLED = 0x58;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

const RECEIPT_TEXT =
  /^id:(\d+) sub:(\d{3}) dlvrd:(\d{3}) submit date:\d{10} done date:\d{10} stat:([A-Z]+) err:(\d{3})$/;

describe('simulator submit_sm', () => {
  it('when a message is submitted with a receipt asked for, then the id is decimal and the receipt carries every TLV', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 10 });
    const client = await harness.bind(simulator);
    // Act
    const response = await client.submit({
      destination_addr: '79991234567',
      short_message: Buffer.from('Hello'),
      registered_delivery: 1,
    });
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(response.command_status).toBe(0);
    expect(response.message_id).toMatch(/^\d+$/);
    expect(receipt).toBeDefined();
    const match = RECEIPT_TEXT.exec(shortText(receipt!));
    expect(match?.slice(1)).toEqual([response.message_id, '001', '001', 'DELIVRD', '000']);
    expect(receipt!.esm_class).toBe(0x04);
    expect(receipt!.source_addr).toBe('79991234567');
    expect(receipt!.destination_addr).toBe('Sender');
    expect(receipt!.receipted_message_id).toBe(response.message_id);
    expect(receipt!.message_state).toBe(2);
    expect(networkError(receipt!)).toBe(0);
    expect(receipt![PROVIDER_TLV.cost]).toBe('1.5000');
    expect(receipt![PROVIDER_TLV.flags]).toBe(0);
    expect(receipt![PROVIDER_TLV.parts]).toBe(1);
    expect(receipt![PROVIDER_TLV.mccmnc]).toBe('25001');
    await simulator.waitFor(() => simulator.stats.receiptsAcked === 1 && simulator.undeliveredReceipts === 0);
  });

  it('when no receipt is asked for, then the message is recorded and no DELIVER_SM comes', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 0 });
    const client = await harness.bind(simulator);
    // Act
    const response = await client.submit({
      destination_addr: '79991234567',
      short_message: Buffer.from('Hi'),
    });
    await client.request('enquire_link');
    // Assess
    expect(simulator.messages).toEqual([
      expect.objectContaining({ messageIds: [response.message_id], text: 'Hi', kind: 'sms', parts: 1 }),
    ]);
    expect(simulator.undeliveredReceipts).toBe(0);
    expect(client.received).toEqual([]);
  });

  it('when ids are handed out, then they increase by one per message', async () => {
    // Prepare
    const simulator = await harness.start({ firstMessageId: 500 });
    const client = await harness.bind(simulator);
    // Act
    const first = await client.submit({ destination_addr: '79990000001', short_message: Buffer.from('a') });
    const second = await client.submit({ destination_addr: '79990000002', short_message: Buffer.from('b') });
    // Assess
    expect([first.message_id, second.message_id]).toEqual(['500', '501']);
  });

  it('when submits exceed the account rate, then the excess is throttled and not recorded', async () => {
    // Prepare
    const simulator = await harness.start({ accounts: [{ ...ACCOUNT, rate: 5 }] });
    const client = await harness.bind(simulator);
    // Act
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        client.submit({ destination_addr: `7999000000${i}`, short_message: Buffer.from(`m${i}`) }),
      ),
    );
    // Assess
    const statuses = responses.map((r) => r.command_status);
    expect(statuses.filter((s) => s === 0)).toHaveLength(5);
    expect(statuses.filter((s) => s === ESME_RTHROTTLED)).toHaveLength(3);
    expect(simulator.submissions).toHaveLength(5);
    expect(simulator.stats.throttled).toBe(3);
  });

  it('when data_coding is 0, 4 or 8, then the text is decoded as GSM, ISO-8859-1 and UCS-2', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const gsm = Buffer.from([0x48, 0x69, 0x20, 0x00, 0x01, 0x1b, 0x65]);
    // Act
    await client.submit({ destination_addr: '79990000001', data_coding: 0, short_message: gsm });
    await client.submit({
      destination_addr: '79990000002',
      data_coding: 4,
      short_message: Buffer.from('Grüße', 'latin1'),
    });
    await client.submit({
      destination_addr: '79990000003',
      data_coding: 8,
      short_message: Buffer.from('Привет', 'utf16le').swap16(),
    });
    await client.submit({
      destination_addr: '79990000004',
      data_coding: 0x18,
      short_message: Buffer.from('⚡', 'utf16le').swap16(),
    });
    // Assess
    expect(simulator.submissions.map((s) => [s.dataCoding, s.text])).toEqual([
      [0, 'Hi @£€'],
      [4, 'Grüße'],
      [8, 'Привет'],
      [0x18, '⚡'],
    ]);
    expect(simulator.messages[3]?.kind).toBe('flash');
  });

  it('when the session is bound with ISO, then data_coding 0 is read as ISO-8859-1', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator, { systemType: 'ISO' });
    // Act
    await client.submit({
      destination_addr: '79990000001',
      data_coding: 0,
      short_message: Buffer.from('Café', 'latin1'),
    });
    // Assess
    expect(simulator.submissions[0]?.text).toBe('Café');
  });

  it('when a long message comes in UDH parts, then every part gets the same id and one receipt covers it', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 10 });
    const client = await harness.bind(simulator);
    const text = 'x'.repeat(300);
    const encoded = encodeMessage(text, { encoding: 'gsm7', reference: 7 });
    // Act
    const responses = [];
    for (const part of encoded.parts) {
      responses.push(
        await client.submit({
          destination_addr: '79990000001',
          esm_class: encoded.esmClass,
          data_coding: encoded.dataCoding,
          short_message: part,
          registered_delivery: 1,
        }),
      );
    }
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    const ids = new Set(responses.map((r) => r.message_id));
    expect(responses).toHaveLength(2);
    expect(ids.size).toBe(1);
    expect(simulator.submissions.map((s) => s.concat)).toEqual([
      { reference: 7, total: 2, index: 1 },
      { reference: 7, total: 2, index: 2 },
    ]);
    expect(simulator.messages).toEqual([expect.objectContaining({ text, parts: 2, messageIds: [...ids] })]);
    expect(RECEIPT_TEXT.exec(shortText(receipt!))?.slice(2, 4)).toEqual(['002', '002']);
    expect(receipt![PROVIDER_TLV.parts]).toBe(2);
    expect(receipt![PROVIDER_TLV.cost]).toBe('3.0000');
    await simulator.waitFor(() => simulator.undeliveredReceipts === 0);
    expect(client.receipts()).toHaveLength(1);
  });

  it('when the session has SINGLE, then each part gets its own id and its own receipt', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 10 });
    const client = await harness.bind(simulator, { systemType: 'ISO,SINGLE' });
    const encoded = encodeMessage('y'.repeat(200), { encoding: 'ucs2', reference: 9 });
    // Act
    const responses = await Promise.all(
      encoded.parts.map((part) =>
        client.submit({
          destination_addr: '79990000001',
          esm_class: encoded.esmClass,
          data_coding: encoded.dataCoding,
          short_message: part,
          registered_delivery: 1,
        }),
      ),
    );
    const receipts = await client.waitForReceived(
      (pdu) => pdu.command === 'deliver_sm',
      encoded.parts.length,
    );
    // Assess
    const ids = responses.map((r) => r.message_id);
    expect(new Set(ids).size).toBe(encoded.parts.length);
    expect(receipts.map((r) => r.receipted_message_id).sort()).toEqual([...ids].sort());
    expect(receipts.every((r) => r[PROVIDER_TLV.parts] === 1)).toBe(true);
    expect(simulator.messages[0]?.messageIds).toEqual(ids);
  });

  it('when a long message arrives as one message_payload, then it is one id with the parts it would take', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 10 });
    const client = await harness.bind(simulator);
    // Act
    const response = await client.submit({
      destination_addr: '79990000001',
      message_payload: Buffer.from('z'.repeat(400)),
      registered_delivery: 1,
    });
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(response.command_status).toBe(0);
    expect(simulator.messages[0]).toMatchObject({ text: 'z'.repeat(400), parts: 3 });
    expect(receipt![PROVIDER_TLV.parts]).toBe(3);
  });

  it('when a part never arrives within the multipart window, then the message fails with err 241', async () => {
    // Prepare
    const simulator = await harness.start({ multipartWindowMs: 150 });
    const client = await harness.bind(simulator);
    const encoded = encodeMessage('w'.repeat(400), { encoding: 'gsm7', reference: 3 });
    // Act
    await client.submit({
      destination_addr: '79990000001',
      esm_class: encoded.esmClass,
      short_message: encoded.parts[0],
      registered_delivery: 1,
    });
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(RECEIPT_TEXT.exec(shortText(receipt!))?.slice(2)).toEqual(['003', '000', 'UNDELIV', '241']);
    expect(receipt!.message_state).toBe(5);
    expect(networkError(receipt!)).toBe(241);
    expect(simulator.messages).toEqual([]);
    expect(simulator.stats.incompleteMessages).toBe(1);
  });

  it('when the text has a kind marker and a comment, then the kind is read and the comment kept apart', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 10 });
    const client = await harness.bind(simulator);
    // Act
    await client.submit({
      destination_addr: '79990000001',
      short_message: encodeMessage('__VIBER__: Hello\n~~~\norder 42', { encoding: 'gsm7' }).parts[0],
      registered_delivery: 1,
    });
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(simulator.messages[0]).toMatchObject({
      kind: 'viber',
      text: '__VIBER__: Hello',
      comment: 'order 42',
    });
    expect(receipt![PROVIDER_TLV.flags]).toBe(10);
  });
});
