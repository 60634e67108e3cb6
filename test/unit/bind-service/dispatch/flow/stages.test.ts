import { describe, expect, it } from 'vitest';
import { PipelineStages } from '#bind-service/dispatch/flow/stages.ts';

describe('PipelineStages', () => {
  it('when a message entered with enter() leaves twice (once written, again when its delete settles), then it is uncounted once', () => {
    // Prepare
    const stages = new PipelineStages();
    const first = stages.enter('recording');
    stages.enter('recording');
    // Act
    first();
    first();
    // Assess
    expect(stages.figures(10)).toEqual({ claiming: 0, awaitingToken: 0, recording: 1, claimAheadLimit: 10 });
  });

  it('when work run with during() settles, then its message is no longer counted', async () => {
    // Prepare
    const stages = new PipelineStages();
    let finish: () => void = () => undefined;
    const work = stages.during('claiming', () => new Promise<void>((resolve) => (finish = resolve)));
    expect(stages.figures(0).claiming).toBe(1);
    // Act
    finish();
    await work;
    // Assess
    expect(stages.figures(0).claiming).toBe(0);
  });
});
