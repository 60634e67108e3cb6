import { afterEach, describe, expect, it } from 'vitest';
import { SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RX_T_APPN = 0x64;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

describe('simulator receipt delivery', () => {
  it('when the client answers a receipt with ESME_RX_T_APPN, then the receipt is sent again', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 0, receiptRetryMs: 20 });
    const client = await harness.bind(simulator);
    let refusals = 1;
    client.deliverStatus = () => (refusals-- > 0 ? ESME_RX_T_APPN : 0);
    // Act
    const response = await client.submit({
      destination_addr: '79990000001',
      short_message: Buffer.from('retry me'),
      registered_delivery: 1,
    });
    const receipts = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 2);
    await simulator.waitFor(() => simulator.undeliveredReceipts === 0);
    // Assess
    expect(receipts.map((r) => r.receipted_message_id)).toEqual([response.message_id, response.message_id]);
    expect(simulator.stats).toMatchObject({ receiptsSent: 2, receiptsAcked: 1, receiptRetries: 1 });
  });

  it('when the client does not answer a receipt in time, then it is sent again', async () => {
    // Prepare
    const simulator = await harness.start({
      receiptDelayMs: 0,
      receiptRetryMs: 10,
      receiptResponseTimeoutMs: 100,
    });
    const client = await harness.bind(simulator);
    let ignored = 1;
    client.deliverStatus = () => (ignored-- > 0 ? undefined : 0);
    // Act
    await client.submit({
      destination_addr: '79990000001',
      short_message: Buffer.from('x'),
      registered_delivery: 1,
    });
    await client.waitForReceived((pdu) => pdu.command === 'deliver_sm', 2);
    // Assess
    await simulator.waitFor(() => simulator.stats.receiptsAcked === 1 && simulator.undeliveredReceipts === 0);
  });

  it('when the submitting session is gone, then the receipt waits and goes to the next bind of the account', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 50 });
    const sender = await harness.bind(simulator);
    const response = await sender.submit({
      destination_addr: '79990000001',
      short_message: Buffer.from('hold me'),
      registered_delivery: 1,
    });
    await sender.close();
    await simulator.waitFor(() => simulator.boundSessions().length === 0);
    await simulator.waitFor(() => simulator.heldReceipts === 1);
    expect(simulator.stats.receiptsSent).toBe(0);
    // Act
    const later = await harness.bind(simulator);
    const [receipt] = await later.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(receipt!.receipted_message_id).toBe(response.message_id);
    await simulator.waitFor(() => simulator.undeliveredReceipts === 0);
  });

  it('when the account has another receiving session, then the receipt goes there', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 50 });
    const transmitter = await harness.bind(simulator, { command: 'bind_transmitter', systemType: 'MCON2' });
    const receiver = await harness.bind(simulator, { command: 'bind_receiver', systemType: 'MCON2' });
    // Act
    const response = await transmitter.submit({
      destination_addr: '79990000001',
      short_message: Buffer.from('to the receiver'),
      registered_delivery: 1,
    });
    const [receipt] = await receiver.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(receipt!.receipted_message_id).toBe(response.message_id);
    expect(transmitter.received).toEqual([]);
  });
});
