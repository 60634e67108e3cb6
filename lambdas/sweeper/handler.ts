import { createLogger } from '#core/observability/json-logger.ts';
import { loadSweeperConfig } from './config.ts';
import { createSweeper, sweepLogTo } from './run.ts';

// The Lambda entry, invoked by an EventBridge schedule (cdk/constructs/sweeper.ts). Config and
// clients are built at cold start; each invocation is one bounded sweep.

const sweeper = createSweeper(
  loadSweeperConfig(process.env),
  sweepLogTo(createLogger({ service: 'sweeper' })),
);

export const handler = async (): Promise<void> => {
  await sweeper.run();
};
