import { loadSweeperConfig } from './config.ts';
import { createSweeper } from './run.ts';

// The Lambda entry, invoked by an EventBridge schedule (cdk/constructs/sweeper.ts). Config and
// clients are built at cold start; each invocation is one bounded sweep.

const sweeper = createSweeper(loadSweeperConfig(process.env), (line) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
});

export const handler = async (): Promise<void> => {
  await sweeper.run();
};
