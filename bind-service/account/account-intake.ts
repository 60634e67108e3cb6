// An account's intake: its two SQS lanes feeding a submit pipeline. It runs only while the task holds
// at least one of the login's slots (a task without a bind must not take the login's messages off
// SQS, where another task can send them): opened when the first slot is taken, stopped (unclaimed
// messages given back, claimed ones let finish within the drain) when the last one goes, and opened
// afresh when a slot comes back.
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { BindPool } from '../dispatch/binds/bind-pool.ts';
import type { PipelineFigures } from '../dispatch/flow/stages.ts';
import { Lanes } from '../dispatch/intake/lanes.ts';
import type { SqsLane } from '../dispatch/intake/sqs-lane.ts';
import { type PipelineDeps, SubmitPipeline } from '../dispatch/submit/submit-pipeline.ts';

/** After the drain, how long pipelines get to write the outcome of what the engine gave up on. */
export const SETTLE_MS = 10_000;

export interface IntakeSettings {
  queues: Record<Priority, SqsLane>;
  visibilitySeconds: Record<Priority, number>;
  binds: BindPool;
  /** Most messages held per lane, read at each receive (it follows the slots held). */
  limit: () => number;
  waitSeconds: number;
  log: Logger;
  /** Everything the pipeline needs but its queues, binds, log and stop signal. */
  pipeline: Omit<PipelineDeps, 'queues' | 'binds' | 'log' | 'stopTaking'>;
}

export interface Intake {
  lanes: Lanes;
  /** Where the messages held are (/healthz). */
  figures(): PipelineFigures;
  /** Stop receiving, let what is held finish within `drainMs`, settle, flush; the outcome. */
  retire(drainMs: number): Promise<{ drained: boolean; settled: boolean }>;
}

export function openIntake(settings: IntakeSettings): Intake {
  const stopTaking = new AbortController();
  const pipeline = new SubmitPipeline({
    ...settings.pipeline,
    queues: settings.queues,
    binds: settings.binds,
    log: settings.log.child({ component: 'pipeline' }),
    stopTaking: stopTaking.signal,
  });
  const lanes = new Lanes({
    queues: settings.queues,
    visibilitySeconds: settings.visibilitySeconds,
    pipeline,
    binds: settings.binds,
    limit: settings.limit,
    waitSeconds: settings.waitSeconds,
    stopTaking,
    log: settings.log.child({ component: 'lanes' }),
  });
  lanes.start();
  let retired: Promise<{ drained: boolean; settled: boolean }> | undefined;
  return {
    lanes,
    figures: () => pipeline.figures(),
    retire: (drainMs) => {
      retired ??= (async () => {
        await lanes.stopTaking();
        const drained = await lanes.drain(drainMs);
        const settled = await lanes.drain(SETTLE_MS);
        await lanes.close();
        return { drained, settled };
      })();
      return retired;
    },
  };
}
