// A later part of a long message took its rate token inside the parts window, then waited for a
// window slot with no deadline: with the window full (an SMSC that stopped answering frees slots
// only at the response timeout), it went on the wire after the provider's minute, and the provider
// fails such a message (err 241) and bills its parts. It now gives up its wait at the window's end.
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { sendParts } from '#bind-service/dispatch/submit/send-parts.ts';
import { engineFor, sms, startBound, startSimulator, useCleanup } from '../../smpp/fixtures.ts';

function part(index: number, total: number) {
  const udh = Buffer.from([0x05, 0x00, 0x03, 0x42, total, index]);
  return sms(777, {
    esm_class: 0x40,
    short_message: Buffer.concat([udh, Buffer.from(`Part ${index} of a long message`, 'latin1')]),
  });
}

describe('parts window and the wait for a window slot (simulator)', () => {
  const defer = useCleanup();

  it('when part 2 waits for a window slot past the parts window, then it is not sent late', async () => {
    // Prepare: window 1; part 1 answered after 200 ms; the submit that takes the slot it frees is
    // never answered, so the next slot frees at the 1.5 s response timeout.
    const simulator = await startSimulator(defer, { multipartWindowMs: 60_000 });
    const client = engineFor(defer, simulator.port, { windowSize: 1, responseTimeoutMs: 1_500 });
    await startBound(client);
    const rate = new RateLimiter({ ratePerSecond: 1_000 });
    defer(() => rate.close());
    simulator.fault({ type: 'slow', delayMs: 200, count: 1 });
    simulator.fault({ type: 'no-answer', count: 1 });
    const PARTS_WINDOW_MS = 500;
    // Act
    const result = sendParts(client, [part(1, 2), part(2, 2)], 'bulk', {
      rate,
      messageId: 'parts-slot-wait-1',
      partsWindowMs: PARTS_WINDOW_MS,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const other = client.submit(sms(1)); // waits in the window, gets the slot part 1 frees
    const [outcome] = await Promise.all([result, other]);
    // Assess: part 2 never reaches the SMSC later than the parts window after part 1
    const parts = simulator.submissions.filter((s) => s.destination === sms(777).destination_addr);
    const first = parts.find((s) => s.concat?.index === 1);
    const second = parts.find((s) => s.concat?.index === 2);
    expect(first).toBeDefined();
    const spread = second && first ? second.at - first.at : 0;
    expect({ outcome: outcome.kind, spread: spread < PARTS_WINDOW_MS }).toEqual({
      outcome: 'unknown',
      spread: true,
    });
  }, 15_000);
});
