// Stack files that may run beside others of them (test/file-turns/turn-keeper.ts); every other stack
// file runs alone. Each was measured while it ran alone (vmstat beside `vitest run --project stack`,
// 2026-12-07): the percent of the 2-core machine it kept busy, and its seconds. Files run together
// while their percents add up to no more than 100, so together they do not starve each other's
// timers (up to four at once: the workers); the longest go first, so the last to start are short
// ones. All of them passed so in five whole runs (2026-12-07) but one test once, whose wait was
// mended (56de3b9). Three files measured under 50 run alone all the same, as they assert a rate
// (dispatch/throughput, dispatch/store-stalls, smpp/throttling). Files that keep a core busy gain
// nothing paired: 59 short or DynamoDB-bound files more on this list made the shared part 81 s longer
// and the rest 84 s shorter (each of two such files took twice as long beside the other). A file
// added here must be measured so too; one that measures a rate or a latency against a deadline it
// cannot stretch runs alone.

/** Path (from the repository), percent of the machine busy, seconds: each measured alone. */
const MEASURED: readonly (readonly [path: string, busyPercent: number, seconds: number])[] = [
  ['test/faults/cases/aws/29-throttled-items.fault.ts', 34, 39],
  ['test/faults/harness/submit-log.test.ts', 33, 1],
  ['test/integration/bind-service/aws-clients.test.ts', 34, 1],
  ['test/integration/bind-service/dispatch/accounts-reconciler.test.ts', 46, 4],
  ['test/integration/bind-service/dispatch/binds/reachability-probe.test.ts', 26, 1],
  ['test/integration/bind-service/dispatch/binds/slot-leases.test.ts', 36, 41],
  ['test/integration/bind-service/dispatch/binds/tls.test.ts', 35, 4],
  ['test/integration/bind-service/dispatch/deliveries.test.ts', 35, 5],
  ['test/integration/bind-service/dispatch/deliveries/account-receipts.test.ts', 29, 3],
  ['test/integration/bind-service/dispatch/deliveries/delivery-kinds.test.ts', 31, 2],
  ['test/integration/bind-service/dispatch/emf-metrics.test.ts', 37, 3],
  ['test/integration/bind-service/dispatch/give-backs.test.ts', 18, 18],
  ['test/integration/bind-service/dispatch/intake/accounts.test.ts', 33, 5],
  ['test/integration/bind-service/dispatch/intake/anti-loop-faults.test.ts', 21, 6],
  ['test/integration/bind-service/dispatch/intake/anti-loop.test.ts', 27, 5],
  ['test/integration/bind-service/dispatch/intake/invalid-message-record.test.ts', 37, 3],
  ['test/integration/bind-service/dispatch/intake/keyed-validity.test.ts', 39, 3],
  ['test/integration/bind-service/dispatch/intake/queue-consumer.test.ts', 18, 2],
  ['test/integration/bind-service/dispatch/intake/sqs-lane.test.ts', 36, 1],
  ['test/integration/bind-service/dispatch/intake/visibility-keeper.test.ts', 34, 1],
  ['test/integration/bind-service/dispatch/lease.test.ts', 16, 34],
  ['test/integration/bind-service/dispatch/provider-answers.test.ts', 28, 5],
  ['test/integration/bind-service/dispatch/queue-copies.test.ts', 31, 7],
  ['test/integration/bind-service/dispatch/reconciler.test.ts', 27, 11],
  ['test/integration/bind-service/dispatch/reused-ids.test.ts', 20, 8],
  ['test/integration/bind-service/dispatch/service.test.ts', 36, 14],
  ['test/integration/bind-service/dispatch/submit.test.ts', 26, 11],
  ['test/integration/bind-service/dispatch/submit/binary.test.ts', 35, 2],
  ['test/integration/bind-service/dispatch/submit/bind-status.test.ts', 26, 3],
  ['test/integration/bind-service/dispatch/submit/comment.test.ts', 47, 1],
  ['test/integration/bind-service/dispatch/submit/parts-slot-wait.test.ts', 45, 2],
  ['test/integration/bind-service/dispatch/submit/parts-window.test.ts', 26, 11],
  ['test/integration/bind-service/dispatch/submit/sender-address.test.ts', 34, 3],
  ['test/integration/bind-service/dispatch/submit/smpp-limits.test.ts', 35, 2],
  ['test/integration/bind-service/dispatch/unknown-outcomes.test.ts', 21, 14],
  ['test/integration/bind-service/login/refused-login.test.ts', 35, 2],
  ['test/integration/bind-service/smpp/bind-keepalive.test.ts', 23, 3],
  ['test/integration/bind-service/smpp/framing.test.ts', 39, 2],
  ['test/integration/bind-service/smpp/malformed-deliveries.test.ts', 17, 3],
  ['test/integration/bind-service/smpp/reconnect.test.ts', 30, 3],
  ['test/integration/bind-service/smpp/smsc-unbind.test.ts', 50, 1],
  ['test/integration/bind-service/smpp/stop-deliveries.test.ts', 26, 1],
  ['test/integration/bind-service/smpp/stop.test.ts', 20, 2],
  ['test/integration/bind-service/smpp/window.test.ts', 35, 1],
  ['test/integration/cli/dlq-redrive.test.ts', 46, 23],
  ['test/integration/cli/send-wait-reads-fail.test.ts', 48, 3],
  ['test/integration/cli/send-wait.test.ts', 38, 5],
  ['test/integration/client/batch-retry.test.ts', 22, 3],
  ['test/integration/client/retry-after-date.test.ts', 13, 3],
  ['test/integration/core/aws/messages/throttled-items.test.ts', 42, 9],
  ['test/integration/core/aws/secrets.test.ts', 45, 1],
  ['test/integration/lambdas/api/batch-reads-and-enqueue-failures.test.ts', 38, 5],
  ['test/integration/lambdas/api/idempotency-and-failures.test.ts', 15, 18],
  ['test/integration/lambdas/callbacks/callback-isolation.test.ts', 21, 8],
  ['test/integration/lambdas/callbacks/time-budget.test.ts', 17, 2],
  ['test/integration/lambdas/status-stream/time-budget.test.ts', 40, 2],
  ['test/integration/local/discarded.test.ts', 45, 1],
  ['test/integration/local/real-smsc-target.test.ts', 36, 2],
  ['test/integration/local/smsc-simulator/binds.test.ts', 26, 1],
  ['test/integration/local/smsc-simulator/faults.test.ts', 45, 1],
  ['test/integration/local/smsc-simulator/standalone.test.ts', 42, 1],
  ['test/integration/local/stack/consumers.test.ts', 32, 4],
  ['test/integration/local/stack/stop.test.ts', 38, 2],
  ['test/integration/local/stack/stream-poller.test.ts', 29, 3],
];

export interface SharedTurnTest {
  /** Percent of the 2-core machine the file kept busy, alone. */
  busyPercent: number;
  /** Seconds the file took, alone. */
  seconds: number;
}

const SHARED = new Map<string, SharedTurnTest>(
  MEASURED.map(([path, busyPercent, seconds]) => [path, { busyPercent, seconds }]),
);

/** How the test file at this path (relative to the repository) shares its turn; undefined: alone. */
export function sharedTurnTest(path: string): SharedTurnTest | undefined {
  return SHARED.get(path);
}
