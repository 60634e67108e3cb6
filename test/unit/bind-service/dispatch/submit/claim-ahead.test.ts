import { describe, expect, it } from 'vitest';
import { COVER_CEILING_SECONDS, COVER_FLOOR_SECONDS } from '#bind-service/dispatch/flow/claim-latency.ts';
import { acceptedMessage, held, message, rig } from './pipeline-rig.ts';

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
});
