import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { EXIT_WHEN_ORPHANED } from './test/helpers/exit-when-orphaned-argv.ts';
import { QUIET_MACHINE_TESTS } from './test/quiet-machine-tests.ts';

// `npm run test:faults`: every fault case, one at a time (each runs the whole local stack and
// measures recovery, so cases must not compete for the two cores), then the report is written. The
// whole-stack measurements that need a quiet machine run here too (test/quiet-machine-tests.ts).
// Only this config has the cases write their rows for docs/reliability.md (FAULT_RESULTS_DIR): the
// fast subset `npm test` runs (vitest.config.ts) leaves the report alone.
export default defineConfig({
  test: {
    include: ['test/faults/cases/**/*.fault.ts', ...QUIET_MACHINE_TESTS],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { execArgv: EXIT_WHEN_ORPHANED } },
    fileParallelism: false,
    allowOnly: false,
    passWithNoTests: false,
    env: { FAULT_RESULTS_DIR: fileURLToPath(new URL('./test/faults/.results', import.meta.url)) },
  },
});
