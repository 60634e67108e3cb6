import { defineConfig } from 'vitest/config';
import { FAST_CASES } from './test/faults/fast-cases.ts';

export default defineConfig({
  test: {
    // Unit, integration and CDK tests, plus the fault suite's fast subset (the whole suite:
    // `npm run test:faults`).
    include: ['test/**/*.test.ts', ...FAST_CASES.map((name) => `test/faults/cases/${name}.fault.ts`)],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One DynamoDB Local for the run (test/shared-dynamodb.ts says why).
    globalSetup: ['test/shared-dynamodb.ts'],
    allowOnly: false,
    passWithNoTests: false,
  },
});
