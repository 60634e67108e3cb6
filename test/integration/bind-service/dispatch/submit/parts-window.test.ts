import { describe, expect, it } from 'vitest';
import type { ReceivedSubmit } from '#local/smsc-simulator/index.ts';
import { useLocalAws } from '#test/helpers/aws/local-aws.ts';
import { messageRecords, mobile, type Rig, sendManyLikeApi, startRig, useCleanup } from '../fixtures.ts';

// The provider fails a long message whose parts do not all arrive within a minute (err 241). Here
// the minute is scaled down (simulator 3 s, bind-service 2.5 s) and a throttling storm hits while
// long messages are half sent and bulk traffic queues behind them.

const PARTS_WINDOW_MS = 2_500;

describe('bind-service: every part of a long message within the provider minute', () => {
  const aws = useLocalAws({ dynamo: true, sqs: true });
  const defer = useCleanup();

  async function stormDuringLongMessages(
    throttles: number,
    shortMessages = true,
  ): Promise<{ rig: Rig; ids: string[] }> {
    const rig = await startRig(aws, defer, {
      env: { SMPP_THROUGHPUT: '50', SMPP_PARTS_WINDOW_SECONDS: String(PARTS_WINDOW_MS / 1000) },
      simulator: { multipartWindowMs: 3_000, receiptDelayMs: 10 },
      // A storm of throttling answers passes in seconds, not the minute the default back-off takes.
      deps: { rateLimiter: { throttlePauseMs: 100, minRatePerSecond: 20 } },
    });
    const inputs = Array.from({ length: shortMessages ? 45 : 4 }, (_, i) =>
      !shortMessages || i % 9 === 4
        ? { to: mobile(500 + i), text: `Long ${i} `.padEnd(400, 'x') }
        : { to: mobile(500 + i), text: `Short ${i}` },
    );
    const ids = await sendManyLikeApi(rig, inputs, 'bulk');
    await rig.simulator.waitFor(() => rig.simulator.submissions.length >= (shortMessages ? 8 : 1), 10_000);
    rig.simulator.fault({ type: 'throttle', count: throttles });
    // Every message ends: delivered, or failed by the provider's err 241 when incomplete.
    await rig.simulator.waitFor(
      () => rig.simulator.stats.receiptsSent >= ids.length && rig.simulator.stats.throttled >= throttles,
      30_000,
    );
    return { rig, ids };
  }

  /** The parts of each long message, by the message id the simulator gave its first part. */
  function longMessages(rig: Rig): ReceivedSubmit[][] {
    const byId = new Map<string, ReceivedSubmit[]>();
    for (const submit of rig.simulator.submissions) {
      if (!submit.concat) continue;
      byId.set(submit.messageId, [...(byId.get(submit.messageId) ?? []), submit]);
    }
    return [...byId.values()];
  }

  const spread = (parts: ReceivedSubmit[]) =>
    Math.max(...parts.map((part) => part.at)) - Math.min(...parts.map((part) => part.at));

  it('when a short throttling storm hits in the middle of long messages, then their parts still arrive together', async () => {
    // Act
    const { rig } = await stormDuringLongMessages(6);
    // Assess
    expect(rig.simulator.stats.incompleteMessages).toBe(0);
    const long = longMessages(rig);
    expect(long).toHaveLength(5);
    for (const parts of long) {
      expect(parts.map((part) => part.concat?.index)).toEqual([1, 2, 3]);
      expect(spread(parts)).toBeLessThan(PARTS_WINDOW_MS);
    }
  }, 60_000);

  it('when the storm outlasts the parts window, then no part goes out late and the message is not sent again', async () => {
    // Act
    const { rig, ids } = await stormDuringLongMessages(40, false);
    // Assess: what could not make it stopped at the window; the SMSC fails it (err 241).
    for (const parts of longMessages(rig)) expect(spread(parts)).toBeLessThan(PARTS_WINDOW_MS);
    const incomplete = longMessages(rig).filter((parts) => parts.length < 3);
    expect(incomplete.length).toBeGreaterThan(0);
    expect(rig.simulator.stats.incompleteMessages).toBe(incomplete.length);
    const records = (await messageRecords(aws, rig.tables.messages)).filter((record) =>
      ids.includes(record.id),
    );
    const failedLong = records.filter((record) => record.error?.code === 241);
    expect(failedLong).toHaveLength(incomplete.length);
    expect(failedLong.every((record) => record.status === 'undelivered')).toBe(true);
  }, 60_000);
});
