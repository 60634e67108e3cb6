import { describe, expect, it } from 'vitest';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import type { SmppClient, SubmitFields } from '#bind-service/smpp/index.ts';
import { ACCOUNT, engineFor, sms, startBound, startSimulator, useCleanup } from './fixtures.ts';

/** What a dispatcher does with one message: wait for the rate, send, resend on throttling. */
async function sendUntilAccepted(client: SmppClient, limiter: RateLimiter, fields: SubmitFields) {
  let throttled = 0;
  for (;;) {
    await limiter.wait('bulk');
    const outcome = await client.submit(fields);
    if (outcome.kind === 'throttled') {
      throttled += 1;
      limiter.onThrottled();
      continue;
    }
    if (outcome.kind !== 'accepted') throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`);
    limiter.onSuccess();
    return { messageId: outcome.messageId, throttled };
  }
}

describe('engine under throttling', () => {
  const defer = useCleanup();

  it('when 300 messages are pushed at 200/s into a 50/s account, then each is accepted exactly once', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { accounts: [{ ...ACCOUNT, rate: 50 }] });
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const limiter = new RateLimiter({ ratePerSecond: 200 });
    defer(() => limiter.close());
    // Act
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => sendUntilAccepted(client, limiter, sms(i))),
    );
    // Assess
    const destinations = new Set(simulator.submissions.map((s) => s.destination));
    const texts = new Set(simulator.submissions.map((s) => s.text));
    expect(results).toHaveLength(300);
    expect(new Set(results.map((r) => r.messageId)).size).toBe(300);
    expect(simulator.submissions).toHaveLength(300);
    expect(destinations.size).toBe(300);
    expect(texts.size).toBe(300);
    expect(simulator.stats.throttled).toBeGreaterThan(0);
    expect(results.reduce((sum, r) => sum + r.throttled, 0)).toBe(simulator.stats.throttled);
    expect(limiter.currentRate).toBeLessThan(200);
  }, 20_000);
});
