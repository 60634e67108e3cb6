// The keeper's schedule with a queue that refuses one extension (the SQS behaviour itself is in the
// integration test of the same name): a refused extension must be tried again before SQS shows the
// message again, or another task receives it while this one still works on it.
import { describe, expect, it } from 'vitest';
import { HeldMessages } from '#bind-service/dispatch/intake/held-messages.ts';
import type { LaneQueue, ReceivedSqsMessage } from '#bind-service/dispatch/intake/sqs-lane.ts';
import { VisibilityKeeper } from '#bind-service/dispatch/intake/visibility-keeper.ts';
import { silentLogger } from '#core/observability/logger.ts';

function flakyQueue(calls: { at: number; ok: boolean }[], now: () => number): LaneQueue {
  let first = true;
  return {
    lane: 'bulk',
    receive: async () => [],
    delete: async () => undefined,
    changeVisibility: async () => {
      const ok = !first;
      first = false;
      calls.push({ at: now(), ok });
      if (!ok) throw new Error('ServiceUnavailable: SQS answered 503 once');
    },
    deadLetter: async () => undefined,
    visibilityTimeoutSeconds: async () => 300,
    flush: async () => undefined,
  };
}

describe('VisibilityKeeper after one refused extension', () => {
  it('when one ChangeMessageVisibility fails, then the keeper tries again before SQS shows the message again', async () => {
    // Prepare: a bulk message (300 s visibility) received at t = 0, so SQS shows it again at t = 300 s.
    let now = 0;
    const calls: { at: number; ok: boolean }[] = [];
    const queue = flakyQueue(calls, () => now);
    const held = new HeldMessages(() => now);
    const received: ReceivedSqsMessage = {
      lane: 'bulk',
      sqsMessageId: 'sqs-1',
      receiptHandle: 'rh-1',
      body: '{}',
      sentTimestampMs: 1,
      receiveCount: 1,
    };
    held.hold(received, 300);
    const keeper = new VisibilityKeeper({
      held,
      queues: { urgent: queue, bulk: queue },
      visibilitySeconds: { urgent: 60, bulk: 300 },
      log: silentLogger,
      now: () => now,
    });
    // Act: the keeper ticks every 5 s (its real period for these timeouts) until just before the
    // message's real deadline (with a margin of one tick). The first extension (at 150 s) fails.
    for (now = 0; now <= 290_000; now += 5_000) await keeper.sweep();
    // Assess: a successful extension landed before t = 300 s.
    expect(calls[0]).toEqual({ at: 150_000, ok: false });
    const landedInTime = calls.filter((call) => call.ok && call.at < 300_000);
    expect(landedInTime.length).toBeGreaterThan(0);
  });
});
