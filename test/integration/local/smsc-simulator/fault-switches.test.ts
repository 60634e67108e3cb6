import { afterEach, describe, expect, it } from 'vitest';
import type { PDU } from '#bind-service/smpp/codec.ts';
import { ACCOUNT, SimulatorHarness } from '#test/helpers/simulator-harness.ts';

// The switches the fault suite (test/faults) uses to make the SMSC misbehave: receipts sent again or
// regressing, zero-padded ids, raw bytes on the wire.

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

const submitFields = (text: string) => ({
  destination_addr: '79990000001',
  short_message: Buffer.from(text),
  registered_delivery: 1,
});

const textOf = (pdu: PDU) => Buffer.from(pdu.short_message ?? Buffer.alloc(0)).toString('latin1');

describe('simulator fault switches', () => {
  it('when an outcome has `then`, then the same id gets those receipts after the first, in order', async () => {
    // Prepare
    const simulator = await harness.start({
      receiptDelayMs: 20,
      outcomeRules: [{ match: /twice/, stat: 'DELIVRD', laterReceipts: ['DELIVRD', 'ENROUTE'] }],
    });
    const client = await harness.bind(simulator);
    // Act
    const response = await client.submit(submitFields('twice'));
    const receipts = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 3);
    // Assess
    expect(receipts.map((pdu) => pdu.receipted_message_id)).toEqual(Array(3).fill(response.message_id));
    expect(receipts.map((pdu) => /stat:(\w+)/.exec(textOf(pdu))?.[1])).toEqual([
      'DELIVRD',
      'DELIVRD',
      'ENROUTE',
    ]);
    expect(receipts.map((pdu) => pdu.message_state)).toEqual([2, 2, 1]);
  });

  it('when idPadding is set, then the answer or the receipt spells the id zero-padded', async () => {
    // Prepare
    const inReceipt = await harness.start({ receiptDelayMs: 0, idPadding: { receipt: 12 } });
    const inAnswer = await harness.start({ receiptDelayMs: 0, idPadding: { answer: 12 } });
    const first = await harness.bind(inReceipt);
    const second = await harness.bind(inAnswer);
    // Act
    const firstAnswer = await first.submit(submitFields('padded receipt'));
    const [firstReceipt] = await first.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    const secondAnswer = await second.submit(submitFields('padded answer'));
    const [secondReceipt] = await second.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(firstAnswer.message_id).toBe('100000');
    expect(firstReceipt?.receipted_message_id).toBe('000000100000');
    expect(firstReceipt ? textOf(firstReceipt) : '').toContain('id:000000100000 ');
    expect(secondAnswer.message_id).toBe('000000100000');
    expect(secondReceipt?.receipted_message_id).toBe('100000');
  });

  it('when sendRaw is called, then the bytes reach every session of the login as they are', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const enquireLink = Buffer.alloc(16);
    enquireLink.writeUInt32BE(16, 0);
    enquireLink.writeUInt32BE(0x15, 4);
    enquireLink.writeUInt32BE(4242, 12);
    // Act
    simulator.sendRaw(ACCOUNT.systemId, enquireLink);
    const [received] = await client.waitForReceived((pdu) => pdu.command === 'enquire_link');
    // Assess
    expect(received?.sequence_number).toBe(4242);
  });
});
