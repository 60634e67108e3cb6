// Where the messages a pipeline holds are now, for /healthz: an operator (or the benchmark) tells a
// store-bound pipeline (claims under way fill the claim gate, none waits for a token) from a
// rate-bound one (claimed messages wait for their token) without a profiler.

export type Stage = 'claiming' | 'awaitingToken' | 'recording';

export interface PipelineFigures {
  /** Claim writes under way (the message table's latency holds them). */
  claiming: number;
  /** Claimed messages waiting for their first rate token (the login's rate holds them). */
  awaitingToken: number;
  /** Sent messages whose outcome write is under way. */
  recording: number;
  /** Most messages a lane keeps claimed ahead of its token now (claim-gate.ts). */
  claimAheadLimit: number;
}

export class PipelineStages {
  private readonly counts: Record<Stage, number> = { claiming: 0, awaitingToken: 0, recording: 0 };

  /** Runs `work` with the message counted in `stage` until it settles. */
  async during<T>(stage: Stage, work: () => Promise<T>): Promise<T> {
    const leave = this.enter(stage);
    try {
      return await work();
    } finally {
      leave();
    }
  }

  /** Counts the message in `stage` until the returned function is called (more calls do nothing). */
  enter(stage: Stage): () => void {
    this.counts[stage] += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.counts[stage] -= 1;
    };
  }

  figures(claimAheadLimit: number): PipelineFigures {
    return { ...this.counts, claimAheadLimit };
  }
}
