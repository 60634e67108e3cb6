import { afterEach, describe, expect, it } from 'vitest';
import { decodeText, splitUdh } from '#core/domain/encoding/index.ts';
import { shortText } from '#test/helpers/smpp/simulator-client.ts';
import { ACCOUNT, SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RX_T_APPN = 0x64;
const ESME_RX_P_APPN = 0x65;
/** A subscriber's one-word reply, as the tests of a refused MO send it. */
const STOP = { systemId: ACCOUNT.systemId, from: '+79991234567', to: '7377', text: 'STOP' };

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

describe('simulator incoming messages', () => {
  it('when a short MO is injected, then one DELIVER_SM without the receipt bit arrives', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    // Act
    const statuses = await simulator.injectMo(STOP);
    // Assess
    expect(statuses).toEqual([0]);
    const [mo] = client.received;
    expect(mo).toMatchObject({
      command: 'deliver_sm',
      esm_class: 0,
      data_coding: 0,
      source_addr: '79991234567',
      source_addr_ton: 1,
      destination_addr: '7377',
    });
    expect(decodeText(mo!.short_message!, mo!.data_coding ?? 0)).toBe('STOP');
  });

  it('when a long MO is injected, then it arrives in UDH parts that glue back to the text', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    const text = 'Ответ: '.repeat(30);
    // Act
    const statuses = await simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '79991234567',
      to: '7377',
      text,
    });
    // Assess
    expect(statuses.length).toBeGreaterThan(1);
    expect(statuses.every((s) => s === 0)).toBe(true);
    const parts = client.received.map((pdu) => {
      const split = splitUdh(pdu.short_message!, pdu.esm_class ?? 0);
      return { index: split.concat?.index ?? 0, text: decodeText(split.payload, pdu.data_coding ?? 0) };
    });
    expect(client.received.every((pdu) => pdu.esm_class === 0x40 && pdu.data_coding === 8)).toBe(true);
    expect(
      parts
        .sort((a, b) => a.index - b.index)
        .map((p) => p.text)
        .join(''),
    ).toBe(text);
  });

  it('when the client refuses an MO, then its status is what injectMo resolves with', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    client.deliverStatus = () => ESME_RX_T_APPN;
    // Act
    const statuses = await simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '79991234567',
      to: '7377',
      text: 'hi',
    });
    // Assess
    expect(statuses).toEqual([ESME_RX_T_APPN]);
  });

  it('when the client answers an MO ESME_RX_T_APPN once, then the simulator sends it again, as it does receipts', async () => {
    // Prepare
    const simulator = await harness.start({ receiptRetryMs: 20 });
    const client = await harness.bind(simulator);
    let refusals = 1;
    client.deliverStatus = () => (refusals-- > 0 ? ESME_RX_T_APPN : 0);
    // Act
    const statuses = await simulator.injectMo(STOP);
    await simulator.waitFor(() => simulator.undeliveredMoParts === 0, 2_000);
    // Assess: before, a refused MO was gone, so no store failure could be shown to survive.
    expect(statuses).toEqual([ESME_RX_T_APPN]);
    expect(client.received.map((pdu) => shortText(pdu))).toEqual(['STOP', 'STOP']);
  });

  it('when the client answers an MO ESME_RX_P_APPN (permanent), then the simulator does not send it again', async () => {
    // Prepare: what the bind-service answers a DELIVER_SM whose bytes it can never read
    const simulator = await harness.start({ receiptRetryMs: 20 });
    const client = await harness.bind(simulator);
    client.deliverStatus = () => ESME_RX_P_APPN;
    // Act
    const statuses = await simulator.injectMo(STOP);
    await simulator.waitFor(() => simulator.undeliveredMoParts === 0, 2_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Assess: before, it came back every 20 ms for as long as the simulator ran
    expect(statuses).toEqual([ESME_RX_P_APPN]);
    expect(client.received.map((pdu) => shortText(pdu))).toEqual(['STOP']);
  });

  it('when the client leaves one part of a long MO unanswered, then only that part is sent again', async () => {
    // Prepare
    const simulator = await harness.start({ receiptRetryMs: 10, receiptResponseTimeoutMs: 100 });
    const client = await harness.bind(simulator);
    let ignored = 1;
    client.deliverStatus = () => (ignored-- > 0 ? undefined : 0);
    // Act
    const answered = simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '79991234567',
      to: '7377',
      text: 'Ответ: '.repeat(30),
    });
    // Assess: injectMo tells of the first try; the part left unanswered still comes again.
    await expect(answered).rejects.toThrow(/no deliver_sm_resp/);
    await simulator.waitFor(() => simulator.undeliveredMoParts === 0, 2_000);
    const indexes = client.received.map(
      (pdu) => splitUdh(pdu.short_message!, pdu.esm_class ?? 0).concat?.index,
    );
    expect(indexes).toEqual([1, 2, 3, 4, 1]);
  });

  it('when no session of the account is bound, then the MO waits and goes to the next bind of the account', async () => {
    // Prepare
    const simulator = await harness.start();
    const injected = simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '79991234567',
      to: '7377',
      text: 'hi',
    });
    // Act
    const client = await harness.bind(simulator);
    // Assess: before, injectMo failed and the MO was gone.
    expect(await injected).toEqual([0]);
    expect(client.received.map((pdu) => shortText(pdu))).toEqual(['hi']);
  });

  it('when the account is unknown, then injectMo fails', async () => {
    // Prepare
    const simulator = await harness.start();
    // Act
    const result = simulator.injectMo({ systemId: 'nobody', from: '79991234567', to: '7377', text: 'hi' });
    // Assess
    await expect(result).rejects.toThrow(/no account nobody/);
  });

  it('when the simulator closes with an MO waiting for a bind, then injectMo fails', async () => {
    // Prepare
    const simulator = await harness.start();
    const injected = simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '79991234567',
      to: '7377',
      text: 'hi',
    });
    // Act
    await simulator.close();
    // Assess
    await expect(injected).rejects.toThrow(/simulator closed/);
  });
});
