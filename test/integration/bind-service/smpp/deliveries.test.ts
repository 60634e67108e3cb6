import { describe, expect, it } from 'vitest';
import type { DeliverSm } from '#bind-service/smpp/index.ts';
import { deferred, within } from '#test/helpers/wait.ts';
import { ACCOUNT, engineFor, nextEvent, sms, startBound, startSimulator, useCleanup } from './fixtures.ts';

describe('engine deliveries', () => {
  const defer = useCleanup();

  it('when a receipt arrives, then it reaches the handler and is acknowledged only after the handler resolves', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { receiptDelayMs: 10 });
    const client = engineFor(defer, simulator.port);
    const stored = deferred<number>();
    const received = deferred<DeliverSm>();
    client.onDeliver((delivery) => {
      received.resolve(delivery);
      return stored.promise;
    });
    await startBound(client);
    const accepted = await client.submit(sms(1, { registered_delivery: 1 }));
    // Act
    const receipt = await within(received.promise, 3_000, 'the receipt');
    const ackedWhileStoring = simulator.stats.receiptsAcked;
    stored.resolve(0);
    await simulator.waitFor(() => simulator.stats.receiptsAcked === 1, 3_000);
    // Assess
    expect(accepted.kind).toBe('accepted');
    const messageId = accepted.kind === 'accepted' ? accepted.messageId : '';
    expect(ackedWhileStoring).toBe(0);
    expect(receipt).toMatchObject({
      isReceipt: true,
      esmClass: 0x04,
      receiptedMessageId: messageId,
      messageState: 2,
      providerTlvs: { cost: expect.any(String), parts: 1, mccmnc: expect.any(String) },
    });
    expect(receipt.shortMessage.toString('latin1')).toMatch(new RegExp(`^id:${messageId} .*stat:DELIVRD`));
  });

  it('when the handler fails, then the engine answers ESME_RX_T_APPN and the simulator delivers again', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { receiptDelayMs: 10, receiptRetryMs: 50 });
    const client = engineFor(defer, simulator.port);
    const seen: string[] = [];
    client.onDeliver(async (delivery) => {
      seen.push(delivery.receiptedMessageId ?? '');
      if (seen.length === 1) throw new Error('database unavailable');
      return 0;
    });
    const answers: number[] = [];
    client.on('deliver', (event) => answers.push(event.commandStatus));
    await startBound(client);
    // Act
    const accepted = await client.submit(sms(1, { registered_delivery: 1 }));
    await simulator.waitFor(() => simulator.stats.receiptsAcked === 1, 3_000);
    // Assess
    const messageId = accepted.kind === 'accepted' ? accepted.messageId : 'none';
    expect(seen).toEqual([messageId, messageId]);
    expect(answers).toEqual([0x64, 0]);
    expect(simulator.stats.receiptRetries).toBe(1);
  });

  it('when an incoming message is injected, then the handler gets it as MO, not as a receipt', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port);
    const deliveries: DeliverSm[] = [];
    client.onDeliver(async (delivery) => {
      deliveries.push(delivery);
      return 0;
    });
    await startBound(client);
    // Act
    const statuses = await simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '+79990001122',
      to: 'Shop',
      text: 'Hello there',
    });
    // Assess
    expect(statuses).toEqual([0]);
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      isReceipt: false,
      source: { addr: '79990001122', ton: 1, npi: 1 },
      destination: { addr: 'Shop', ton: 5 },
      dataCoding: 0,
    });
    expect(deliveries[0]?.shortMessage.toString('latin1')).toBe('Hello there');
  });

  it('when no handler is registered, then deliveries are refused with ESME_RX_T_APPN, never silently acked', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const answered = nextEvent(client, 'deliver');
    // Act
    const statuses = await simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '79990001122',
      to: 'Shop',
      text: 'Hi',
    });
    // Assess
    expect(statuses).toEqual([0x64]);
    expect(await answered).toMatchObject({ commandStatus: 0x64, answered: true });
  });

  it('when a delivered message is queried, then query_sm returns its final state', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { receiptDelayMs: 0 });
    const client = engineFor(defer, simulator.port);
    client.onDeliver(async () => 0);
    await startBound(client);
    const accepted = await client.submit(sms(1, { registered_delivery: 1 }));
    await simulator.waitFor(() => simulator.stats.receiptsAcked === 1, 3_000);
    const messageId = accepted.kind === 'accepted' ? accepted.messageId : 'none';
    // Act
    const status = await client.queryStatus(messageId, { addr: 'Shop', ton: 5, npi: 0 });
    const unknown = client.queryStatus('1');
    // Assess
    expect(status).toMatchObject({ messageId, messageState: 2, errorCode: 0 });
    await expect(unknown).rejects.toMatchObject({ code: 'SMSC_REJECTED', commandStatus: 0x0c });
  });
});
