import { describe, expect, it } from 'vitest';
import { COVER_CEILING_SECONDS, COVER_FLOOR_SECONDS } from '#bind-service/dispatch/flow/claim-latency.ts';
import { acceptedMessage, held, message, rig } from './pipeline-rig.ts';

// How many messages of a lane the pipeline claims ahead of their rate token, against a store whose
// claim writes are slow: enough to cover the claims' latency (or the rate falls to what the claims
// let through), never more than the ceiling (a crash leaves claimed-but-unsent messages `unknown`).

describe('SubmitPipeline claiming ahead (in-memory ports)', () => {
  it('when claim writes take longer than the floor covers, then more are claimed at once, up to the ceiling', async () => {
    // Prepare: 20 msg/s with claims of 400 ms; the floor alone allows 20 x 0.5 = 10 at once.
    const rate = 20;
    const r = rig({ currentRate: rate });
    r.store.claimDelayMs = 400;
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 1) ids.push(await acceptedMessage(r.store));
    // Act: every message offered at once, as a full receive batch would.
    await Promise.all(ids.map((id, i) => r.pipeline.process(held(message(id), `sqs-${i}`))));
    // Assess
    expect(r.stats.submitted).toBe(ids.length);
    expect(r.store.peakClaimsUnderWay).toBeGreaterThan(Math.ceil(rate * COVER_FLOOR_SECONDS));
    expect(r.store.peakClaimsUnderWay).toBeLessThanOrEqual(Math.ceil(rate * COVER_CEILING_SECONDS));
  });

  it('when claim writes answer fast, then no more than the floor is claimed ahead', async () => {
    // Prepare
    const rate = 20;
    const r = rig({ currentRate: rate });
    r.store.claimDelayMs = 5;
    const ids: string[] = [];
    for (let i = 0; i < 60; i += 1) ids.push(await acceptedMessage(r.store));
    // Act
    await Promise.all(ids.map((id, i) => r.pipeline.process(held(message(id), `sqs-${i}`))));
    // Assess
    expect(r.stats.submitted).toBe(ids.length);
    expect(r.store.peakClaimsUnderWay).toBeLessThanOrEqual(Math.ceil(rate * COVER_FLOOR_SECONDS));
  });
});
