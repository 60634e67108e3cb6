import { configDefaults, defineConfig } from 'vitest/config';
import { FAST_CASES } from './test/faults/fast-cases.ts';
import { QUIET_MACHINE_TESTS } from './test/quiet-machine-tests.ts';

const UNIT_TESTS = 'test/unit/**/*.test.ts';
const INFRA_TESTS = 'test/infra/**/*.test.ts';
/** One process for all of a project's files, without a fresh module graph per file. */
const ONE_PROCESS = {
  poolOptions: { forks: { singleFork: true, isolate: false } },
  setupFiles: ['test/helpers/unit-isolation.ts'],
};

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default worker count stands: one fewer than the cores, so ONE file at a time on 2
    // cores. Two at once took vitest from 765 s to 350-650 s, but on 2 cores four runs in five
    // failed, each on a different deadline (CLI batch, batch-and-queue, the anti-loop guard's batch
    // of 1,000, throttling), also with the whole-stack files kept to one at a time and a DynamoDB
    // Local per worker (2026-12-03, the host stealing 10-45% of the CPU at times). Green beats fast.
    allowOnly: false,
    passWithNoTests: false,
    projects: [
      {
        // Pure logic: no sockets, servers or shared tables. One process runs them all (singleFork),
        // after the stack's files, without a fresh module graph per file (isolate: false): 116 files
        // took 58-68 s isolated and 10.5 s so (2026-12-04), the difference being each file's fork
        // and imports. Only poolOptions.forks sets this per project; `isolate` alone does not.
        // What a file changed of the process's globals (fake timers, stubbed env or globals,
        // spies) is put back once it ends (test/helpers/unit-isolation.ts).
        extends: true,
        test: {
          name: 'unit',
          include: [UNIT_TESTS],
          ...ONE_PROCESS,
        },
      },
      {
        // CDK: synths and template assertions, no sockets or servers either. One process for them
        // too: 15 files took 58 s isolated and 38 s so (2026-12-04), aws-cdk-lib and the stack's
        // constructs imported once instead of per file. Their cloud assemblies go under one
        // directory for the run (test/infra/synth-dir.ts).
        extends: true,
        test: {
          name: 'infra',
          include: [INFRA_TESTS],
          ...ONE_PROCESS,
          globalSetup: ['test/infra/synth-dir.ts'],
        },
      },
      {
        // Integration and the fault suite's fast subset (the whole suite: `npm run
        // test:faults`): each file in a process of its own, as before, since they start servers,
        // child processes and the local stack, whose leftovers must not reach the next file.
        extends: true,
        test: {
          name: 'stack',
          include: [
            'test/**/*.test.ts',
            ...FAST_CASES.map((name) => `test/faults/cases/**/${name}.fault.ts`),
          ],
          exclude: [...configDefaults.exclude, UNIT_TESTS, INFRA_TESTS, ...QUIET_MACHINE_TESTS],
          // A few DynamoDB Locals for the run, each file in one (test/shared-dynamodb.ts says why).
          globalSetup: ['test/shared-dynamodb.ts'],
        },
      },
    ],
  },
});
