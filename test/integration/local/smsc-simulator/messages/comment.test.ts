import { afterEach, describe, expect, it } from 'vitest';
import { PROVIDER_TLV } from '#bind-service/smpp/codec.ts';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import { shortText } from '#test/helpers/smpp/simulator-client.ts';
import { SimulatorHarness } from '#test/helpers/smpp/simulator-harness.ts';

const harness = new SimulatorHarness();
afterEach(() => harness.stop());

describe('simulator: the comment is neither sent on nor billed', () => {
  it('when a one-part text and its comment come in two UDH parts, then one part is billed and reported', async () => {
    // Prepare
    const simulator = await harness.start({ receiptDelayMs: 10 });
    const client = await harness.bind(simulator);
    const text = 'a'.repeat(150);
    const encoded = encodeMessage(`${text}\n~~~\norder 42`, { encoding: 'gsm7', reference: 5 });
    // Act
    for (const part of encoded.parts) {
      await client.submit({
        destination_addr: '79990000001',
        esm_class: encoded.esmClass,
        short_message: part,
        registered_delivery: 1,
      });
    }
    const [receipt] = await client.waitForReceived((pdu) => pdu.command === 'deliver_sm');
    // Assess
    expect(encoded.parts).toHaveLength(2);
    expect(simulator.messages[0]).toMatchObject({ text, comment: 'order 42', parts: 1, wireParts: 2 });
    expect(shortText(receipt!)).toMatch(/ sub:001 dlvrd:001 /);
    expect(receipt![PROVIDER_TLV.parts]).toBe(1);
    expect(receipt![PROVIDER_TLV.cost]).toBe('1.5000');
  });
});
