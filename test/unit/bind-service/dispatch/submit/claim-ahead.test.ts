import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { COVER_CEILING_SECONDS, COVER_FLOOR_SECONDS } from '#bind-service/dispatch/flow/claim-latency.ts';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import type { Submitter } from '#bind-service/dispatch/submit/send-parts.ts';
import { SubmitPipeline } from '#bind-service/dispatch/submit/submit-pipeline.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { acceptedMessage, held, MemoryStore, memoryQueue, message, rig } from './pipeline-rig.ts';

// How many messages of a lane the pipeline claims ahead of their rate token, against a store whose
// claim writes are slow: enough to cover the claims' latency (or the rate falls to what the claims
// let through), never more than the ceiling (a crash leaves claimed-but-unsent messages `unknown`).

/** 60 accepted messages offered at once, as a full receive batch would: the most claims under way at once. */
async function peakClaimsWhenOffered(rate: number, claimDelayMs: number) {
  const r = rig({ currentRate: rate });
  r.store.claimDelayMs = claimDelayMs;
  const ids: string[] = [];
  for (let i = 0; i < 60; i += 1) ids.push(await acceptedMessage(r.store));
  await Promise.all(ids.map((id, i) => r.pipeline.process(held(message(id), `sqs-${i}`))));
  return { submitted: r.stats.submitted, offered: ids.length, peak: r.store.peakClaimsUnderWay };
}

describe('SubmitPipeline claiming ahead (in-memory ports)', () => {
  it('when claim writes take longer than the floor covers, then more are claimed at once, up to the ceiling', async () => {
    // Prepare: 20 msg/s with claims of 400 ms; the floor alone allows 20 x 0.5 = 10 at once.
    const rate = 20;
    // Act
    const run = await peakClaimsWhenOffered(rate, 400);
    // Assess
    expect(run.submitted).toBe(run.offered);
    expect(run.peak).toBeGreaterThan(Math.ceil(rate * COVER_FLOOR_SECONDS));
    expect(run.peak).toBeLessThanOrEqual(Math.ceil(rate * COVER_CEILING_SECONDS));
  });

  it('when claim writes answer fast, then no more than the floor is claimed ahead', async () => {
    // Prepare
    const rate = 20;
    // Act
    const run = await peakClaimsWhenOffered(rate, 5);
    // Assess
    expect(run.submitted).toBe(run.offered);
    expect(run.peak).toBeLessThanOrEqual(Math.ceil(rate * COVER_FLOOR_SECONDS));
  });

  it('when the SMSC throttles every submit, then no more messages are claimed and unsent than the claim-ahead limit', async () => {
    // Prepare: a 20 msg/s login whose SMSC answers every SUBMIT_SM with ESME_RTHROTTLED; the limiter
    // neither slows nor pauses, so the test is short.
    const rate = new RateLimiter({ ratePerSecond: 20, minRatePerSecond: 20, throttlePauseMs: 0 });
    let submits = 0;
    const bind: Submitter = {
      submit: async () => {
        submits += 1;
        return { kind: 'throttled' };
      },
    };
    const store = new MemoryStore();
    const stop = new AbortController();
    const pipeline = new SubmitPipeline({
      messages: store,
      queues: { urgent: memoryQueue([]), bulk: memoryQueue([]) },
      binds: { acquire: async () => bind },
      rate,
      prepare: { isoMode: false, maxParts: 10 },
      stats: emptyStats(),
      log: silentLogger,
      stopTaking: stop.signal,
      policy: { maxTransientRetries: 3, transientBaseMs: 10, transientCapMs: 10, maxThrottledResends: 1_000 },
    });
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 1) ids.push(await acceptedMessage(store));
    // Act: the lane hands the pipeline 60 messages at once.
    const work = ids.map((id, i) => pipeline.process(held(message(id), `sqs-${i}`)));
    await sleep(2_500);
    const limit = pipeline.figures().claimAheadLimit;
    const claimedUnsent = [...store.records.values()].filter((r) => r.status === 'submitting').length;
    stop.abort();
    rate.close();
    await Promise.all(work);
    // Assess: the SMSC took none, so each `submitting` record is one a crash would leave `unknown`.
    // The bound is the limit plus the first submits awaiting their answer (a message leaves the gate
    // with its token, and one is admitted in its place before the throttling answer brings it back):
    // at most the bucket's tokens at once, 2 at 20 msg/s (0.1 s). Before, throttled messages waited
    // for their resend outside the gate: 36 of the 60 were claimed.
    expect(submits).toBeGreaterThan(limit);
    expect(claimedUnsent).toBeLessThanOrEqual(limit + 2);
  }, 15_000);
});
