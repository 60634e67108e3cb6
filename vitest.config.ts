import { availableParallelism } from 'node:os';
import { configDefaults, defineConfig } from 'vitest/config';
import { FAST_CASES } from './test/faults/fast-cases.ts';
import { QUIET_MACHINE_TESTS } from './test/quiet-machine-tests.ts';

export default defineConfig({
  test: {
    // Unit, integration and CDK tests, plus the fault suite's fast subset (the whole suite:
    // `npm run test:faults`).
    include: ['test/**/*.test.ts', ...FAST_CASES.map((name) => `test/faults/cases/**/${name}.fault.ts`)],
    exclude: [...configDefaults.exclude, ...QUIET_MACHINE_TESTS],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // At least two test files at once. Vitest's default is one fewer than the cores, so ONE on a
    // 2-core machine (CI's size), and the files mostly wait on sockets, timers and DynamoDB Local:
    // on 2 cores one worker took 765 s, two took 350 s with the machine 58% busy on average, every
    // test passing. More cores keep Vitest's default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    minWorkers: 1,
    // One DynamoDB Local for the run (test/shared-dynamodb.ts says why).
    globalSetup: ['test/shared-dynamodb.ts'],
    allowOnly: false,
    passWithNoTests: false,
  },
});
