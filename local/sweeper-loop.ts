import { createLogger } from '#core/observability/json-logger.ts';
import type { LogWriter } from '#core/observability/logger.ts';
import { loadSweeperConfig } from '#lambdas/sweeper/config.ts';
import { createSweeper, type Sweeper, type SweepLog, sweepLogTo } from '#lambdas/sweeper/run.ts';
import { type ComponentEnvInput, sweeperEnv, sweepIntervalMs } from '#local/stack-config.ts';

// `npm start`'s stand-in for the sweeper's EventBridge schedule: one sweep every interval, never two
// at once. A failed run is logged by the sweeper itself (its counts) or here (the error's name); the
// next run tries again, as the next scheduled invocation would in AWS.

export interface SweeperLoop {
  /** Runs finished so far. */
  readonly runs: number;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface SweeperLoopOptions {
  sweeper: Sweeper;
  intervalMs: number;
  log: SweepLog;
}

export function startSweeperLoop({ sweeper, intervalMs, log }: SweeperLoopOptions): SweeperLoop {
  let runs = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const tick = () => {
    running = sweeper
      .run()
      .then(
        () => undefined,
        (error: unknown) => {
          // SweepIncompleteError was logged with its counts; anything else (DynamoDB down) is named.
          if (!(error instanceof Error && error.name === 'SweepIncompleteError')) {
            log({
              level: 'error',
              msg: 'sweep failed',
              error: error instanceof Error ? error.name : 'unknown',
            });
          }
        },
      )
      .finally(() => {
        runs += 1;
        running = undefined;
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, intervalMs);

  return {
    get runs() {
      return runs;
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The local stack's sweeper: real clients on the local resources, run every SWEEP_INTERVAL_SECONDS. */
export function startLocalSweeper(input: ComponentEnvInput, write: LogWriter): { stop(): Promise<void> } {
  const log = sweepLogTo(createLogger({ service: 'sweeper', write }));
  const sweeper = createSweeper(loadSweeperConfig(sweeperEnv(input)), log);
  const loop = startSweeperLoop({ sweeper, intervalMs: sweepIntervalMs(input.env), log });
  return {
    async stop() {
      await loop.stop();
      sweeper.destroy();
    },
  };
}
