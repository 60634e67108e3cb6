import { configDefaults, defineConfig } from 'vitest/config';
import { FAST_CASES } from './test/faults/fast-cases.ts';
import { SharedFirstSequencer } from './test/file-turns/sequencer.ts';
import { EXIT_WHEN_ORPHANED } from './test/helpers/exit-when-orphaned-argv.ts';
import { QUIET_MACHINE_TESTS } from './test/quiet-machine-tests.ts';

// Every DynamoDB Local the tests start (the shared ones, a file's own, `npm start`'s in a child)
// inherits this: the JVM's documented variable, read by the java launcher. A test run's databases
// live minutes, too short for C2 to pay back its compiling, and one GC thread is enough for them:
// with both, the shared databases took 32-37 CPU-s instead of 60 for the same files (receipts and
// bad-input, 2026-12-07), the files 45-52 s instead of 57-58. `npm start` and the benchmarks keep
// the JVM's defaults (the pipeline benchmark is bound by DynamoDB Local).
process.env.JDK_JAVA_OPTIONS ??= '-XX:+UseSerialGC -XX:TieredStopAtLevel=1';

const UNIT_TESTS = 'test/unit/**/*.test.ts';
const INFRA_TESTS = 'test/infra/**/*.test.ts';
/** Puts back what a file changed of the globals, where files share one process or thread. */
const RESET_GLOBALS = ['test/helpers/unit-isolation.ts'];
/** One process for all of a project's files, without a fresh module graph per file. */
const ONE_PROCESS = {
  poolOptions: { forks: { singleFork: true, isolate: false } },
  setupFiles: RESET_GLOBALS,
};

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Four workers, but stack files run together only while the shares of the machine they were
    // measured to keep busy add up to 100 percent at most (test/file-turns/shared-turn-tests.ts);
    // every other stack file waits for a turn alone (test/file-turns/turn-keeper.ts). A worker
    // without a turn imports its next file meanwhile. Before the turns, one file at a time: vitest
    // took 970 s on 2 cores. Two of any files at once took 350-650 s, but four runs in five failed,
    // each on a different deadline (CLI batch, batch-and-queue, the anti-loop guard's batch of
    // 1,000, throttling: files that keep a core busy or measure a rate), the host stealing 10-45% of
    // the CPU at times (2026-12-03). Green beats fast.
    maxWorkers: 4,
    minWorkers: 1,
    // The four processes are kept and each runs file after file (isolate: false, which vitest reads
    // here only, not per project): every stack file used to get a fresh process that loaded the AWS
    // SDK, zod and libphonenumber again, 162 processes and 398 CPU-s of a 912 CPU-s run; kept, 13
    // processes and 169 CPU-s, and the run 581-624 s -> 492 s (2026-12-07). The project's own
    // modules are still evaluated afresh per file (test/helpers/fresh-modules.ts). minForks: with
    // fewer, tinypool drops a process that goes idle and fails the run with "Terminating worker
    // thread" (vitest 3.2.7). execArgv, which every fork gets from here (the infra project's
    // included): a worker exits when the run it served is gone, instead of spinning
    // (test/helpers/exit-when-orphaned.mjs).
    poolOptions: { forks: { isolate: false, minForks: 4, execArgv: EXIT_WHEN_ORPHANED } },
    sequence: { sequencer: SharedFirstSequencer },
    allowOnly: false,
    passWithNoTests: false,
    projects: [
      {
        // Pure logic: no sockets, servers or shared tables. One worker thread runs them all, beside
        // the stack's files (vitest runs each pool's files at once; a single fork would wait for
        // every stack file), without a fresh module graph per file (isolate: false): 116 files took
        // 58-68 s isolated and 10.5 s so (2026-12-04), the difference being each file's fork and
        // imports. What a file changed of the process's globals (fake timers, stubbed env or
        // globals, spies) is put back once it ends (test/helpers/unit-isolation.ts).
        extends: true,
        test: {
          name: 'unit',
          include: [UNIT_TESTS],
          pool: 'threads',
          poolOptions: { threads: { singleThread: true, isolate: false } },
          setupFiles: RESET_GLOBALS,
        },
      },
      {
        // CDK: synths and template assertions, no sockets or servers either. One process for them
        // too: 15 files took 58 s isolated and 38 s so (2026-12-04), aws-cdk-lib and the stack's
        // constructs imported once instead of per file. A fork, not a thread: CDK's asset bundling
        // refuses a worker thread's stdio; so they run after the stack's files. Their cloud
        // assemblies go under one directory for the run (test/infra/synth-dir.ts).
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
        // test:faults`). They start servers, child processes and the local stack, and each closes
        // what it started in its own hooks; a file that shares its process with the next one also
        // gets the globals it changed put back and the project's modules evaluated afresh.
        extends: true,
        test: {
          name: 'stack',
          include: [
            'test/**/*.test.ts',
            ...FAST_CASES.map((name) => `test/faults/cases/**/${name}.fault.ts`),
          ],
          exclude: [...configDefaults.exclude, UNIT_TESTS, INFRA_TESTS, ...QUIET_MACHINE_TESTS],
          // A few DynamoDB Locals for the run, each file in one (test/shared-dynamodb.ts says why),
          // and the turn keeper that says which files may run at once.
          globalSetup: ['test/shared-dynamodb.ts', 'test/file-turns/global-setup.ts'],
          setupFiles: [...RESET_GLOBALS, 'test/helpers/fresh-modules.ts', 'test/file-turns/take-turn.ts'],
        },
      },
    ],
  },
});
