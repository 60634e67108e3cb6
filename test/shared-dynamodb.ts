// Vitest global setup: a few DynamoDB Locals for the whole run instead of one JVM per test file.
// Starting a JVM costs ~2-4 s, and a fresh one answers slowly until its JIT has warmed up, so
// sharing them saves minutes of CI. Test files stay independent: each takes tables under a fresh
// name prefix (test/helpers/aws/local-aws.ts, the local stack fixture) in one of them
// (test/helpers/aws/shared-dynamodb-endpoint.ts). Files that need a database of their own (to stop
// or break it) still start one.
//
// Why more than one: DynamoDB Local keeps every stream's records in one SQLite table indexed only
// by sequence number, and a request on a stream table whose shard began after many other records
// scans past them (docs/benchmarks.md, "Stream records"). Deleting a file's tables does not remove
// its records, so with one database every file pays for the records of all the files before it.
import type { TestProject } from 'vitest/node';
import { readProcessCpuMs } from '#bench/pipeline/cpu-time.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '#local/dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's shared DynamoDB Locals, e.g. ['http://127.0.0.1:41234', …]. */
    sharedDynamoEndpoints: string[];
  }
}

/**
 * Six: with files running three or four at once, three databases left the one that the heaviest
 * files hash to at 87 CPU-s and those files slower (whole run 665 s); six, 627 s; eight, 630 s
 * (2026-12-07). TEST_DYNAMODB_LOCALS overrides it (1 restores a single shared database).
 */
const DEFAULT_COUNT = 6;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const count = databaseCount(process.env.TEST_DYNAMODB_LOCALS);
  const started = await Promise.allSettled(Array.from({ length: count }, () => startDynamoDbLocal()));
  const servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(servers.map((server) => server.stop()));
    throw failed.reason;
  }
  project.provide(
    'sharedDynamoEndpoints',
    servers.map((server) => server.endpoint),
  );
  process.once('SIGHUP', exitOnHangUp);
  return async () => {
    process.removeListener('SIGHUP', exitOnHangUp);
    // One line on what the shared databases cost: a regression in how the tests use them shows here.
    const cpu = servers.map(jvmCpuSeconds).filter((seconds) => seconds !== undefined);
    if (cpu.length > 0) console.info(`shared DynamoDB Local CPU: ${cpu.map((s) => `${s} s`).join(', ')}`);
    await Promise.all(servers.map((server) => server.stop()));
  };
}

/**
 * A closed terminal: vitest has no SIGHUP listener, and the signal's default action would end the run
 * without its teardown and without the databases' 'exit' hooks (local/dynamodb-local.ts), leaving
 * the JVMs behind (~300 MB each). Ending by process.exit() runs the hooks, as Ctrl-C does.
 */
const exitOnHangUp = (): never => process.exit(128 + 1);

function databaseCount(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_COUNT;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1 || count > 8) {
    throw new Error(`TEST_DYNAMODB_LOCALS must be a whole number from 1 to 8, not "${raw}"`);
  }
  return count;
}

/** The JVM's CPU so far, in whole seconds (Linux's /proc; undefined elsewhere). */
function jvmCpuSeconds(server: DynamoDbLocal): number | undefined {
  const ms = server.pid === undefined ? undefined : readProcessCpuMs(server.pid);
  return ms === undefined ? undefined : Math.round(ms / 1000);
}
