// Preloaded into every forked test worker (vitest.config.ts, vitest.faults.config.ts: `--import`).
// When the vitest process ends without ending its workers (Ctrl-C or SIGTERM while files run), a
// worker's next message to it fails, vitest's uncaughtException handler reports that failure with
// another message, which fails too, and so on: the orphan spins at 50-100 % of a core, its memory
// growing, until killed (vitest 3.2.7; seen for 27 minutes), and a DynamoDB Local it started lives
// on. The worker exits instead once its channel to vitest is gone, and its 'exit' hooks stop what
// its files started. Preloaded, not a setup file: vitest replaces process.exit in the worker with
// one that throws, so the real one is taken here, before it does.
const exit = process.exit.bind(process);

/** A worker whose run was interrupted exits as a shell reports SIGINT. */
const ORPHANED_EXIT = 130;
/** As a shell reports SIGTERM. */
const TERMINATED_EXIT = 143;

if (process.send) process.once('disconnect', () => exit(ORPHANED_EXIT));
// tinypool ends a worker with SIGTERM, which by default ends it without its 'exit' hooks: after a
// test that timed out with a stack still up (its own teardown never ran), the DynamoDB Local it had
// started lived on (seen after a fault case's 240 s timeout). Exiting here runs them.
process.once('SIGTERM', () => exit(TERMINATED_EXIT));
