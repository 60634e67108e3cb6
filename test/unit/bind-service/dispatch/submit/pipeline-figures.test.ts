import { describe, expect, it } from 'vitest';
import { waitUntil } from '#test/helpers/wait.ts';
import { acceptedMessage, held, message, rig } from './pipeline-rig.ts';

// What /healthz shows of a pipeline: where its messages are, so a store-bound pipeline (claims fill
// the claim gate) is told from a rate-bound one (claimed messages wait for their token).

async function offer(r: ReturnType<typeof rig>, count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) ids.push(await acceptedMessage(r.store));
  return Promise.all(ids.map((id, i) => r.pipeline.process(held(message(id), `sqs-${i}`))));
}

describe('SubmitPipeline figures (in-memory ports)', () => {
  it('when claim writes are slow, then the claims under way fill the claim-ahead limit and none awaits a token', async () => {
    // Prepare
    const r = rig({ currentRate: 20 });
    r.store.claimDelayMs = 300;
    // Act
    const done = offer(r, 30);
    await waitUntil(() => r.pipeline.figures().claiming > 0, 2_000, 'claims to start');
    const figures = r.pipeline.figures();
    await done;
    // Assess
    expect(figures.claiming).toBe(figures.claimAheadLimit);
    expect(figures.awaitingToken).toBe(0);
    expect(r.pipeline.figures()).toMatchObject({ claiming: 0, awaitingToken: 0, recording: 0 });
  });

  it('when the rate holds the tokens back, then the claimed messages await their token and no claim is under way', async () => {
    // Prepare: tokens come only when the test gives them.
    const tokens: (() => void)[] = [];
    const r = rig({ currentRate: 20, token: () => new Promise<void>((resolve) => tokens.push(resolve)) });
    // Act
    const done = offer(r, 30);
    await waitUntil(() => tokens.length === r.pipeline.figures().claimAheadLimit, 2_000, 'the gate to fill');
    const figures = r.pipeline.figures();
    while (r.stats.submitted < 30) {
      for (const give of tokens.splice(0)) give();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    // Assess
    expect(figures).toMatchObject({ claiming: 0, awaitingToken: figures.claimAheadLimit });
    expect(r.stats.submitted).toBe(30);
  });
});
