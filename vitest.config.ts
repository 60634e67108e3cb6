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
    // Vitest's default worker count stands: one fewer than the cores, so ONE file at a time on 2
    // cores. Two at once took vitest from 765 s to 350-650 s, but on 2 cores four runs in five
    // failed, each on a different deadline (CLI batch, batch-and-queue, the anti-loop guard's batch
    // of 1,000, throttling), also with the whole-stack files kept to one at a time and a DynamoDB
    // Local per worker (2026-12-03, the host stealing 10-45% of the CPU at times). Green beats fast.
    // One DynamoDB Local for the run (test/shared-dynamodb.ts says why).
    globalSetup: ['test/shared-dynamodb.ts'],
    allowOnly: false,
    passWithNoTests: false,
  },
});
