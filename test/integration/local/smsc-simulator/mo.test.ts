import { afterEach, describe, expect, it } from 'vitest';
import { decodeText, splitUdh } from '#core/domain/encoding/index.ts';
import { ACCOUNT, SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const ESME_RX_T_APPN = 0x64;

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

describe('simulator incoming messages', () => {
  it('when a short MO is injected, then one DELIVER_SM without the receipt bit arrives', async () => {
    // Prepare
    const simulator = await harness.start();
    const client = await harness.bind(simulator);
    // Act
    const statuses = await simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '+79991234567',
      to: '7377',
      text: 'STOP',
    });
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

  it('when no session of the account is bound, then injectMo fails', async () => {
    // Prepare
    const simulator = await harness.start();
    // Act
    const result = simulator.injectMo({
      systemId: ACCOUNT.systemId,
      from: '79991234567',
      to: '7377',
      text: 'hi',
    });
    // Assess
    await expect(result).rejects.toThrow(/no receiving session/);
  });
});
