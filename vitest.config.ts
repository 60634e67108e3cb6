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
    // One DynamoDB Local for the run (test/shared-dynamodb.ts says why).
    globalSetup: ['test/shared-dynamodb.ts'],
    allowOnly: false,
    passWithNoTests: false,
  },
});
