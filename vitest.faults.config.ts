import { defineConfig } from 'vitest/config';

// `npm run test:faults`: every fault case, one at a time (each runs the whole local stack and
// measures recovery, so cases must not compete for the two cores), then the report is written.
export default defineConfig({
  test: {
    include: ['test/faults/cases/*.fault.ts'],
    testTimeout: 240_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
    allowOnly: false,
    passWithNoTests: false,
  },
});
