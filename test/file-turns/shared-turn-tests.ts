// Stack files that may run beside another of them (test/file-turns/turn-keeper.ts); every other
// stack file runs alone. Each was measured to keep the 2-core machine under half busy while it ran
// alone (vmstat beside `vitest run --project stack`, 2026-12-07), so two at once do not starve each
// other's timers, and all of them passed two at a time. Three files measured so run alone all the
// same, as they assert a rate (dispatch/throughput, dispatch/store-stalls, smpp/throttling). Files
// that keep a core busy gain nothing paired: 59 short or DynamoDB-bound files more on this list made
// the shared part 81 s longer and the rest 84 s shorter (each of two such files took twice as long
// beside the other). A file added here must be measured so too; one that measures a rate or a
// latency against a deadline it cannot stretch runs alone.
export const SHARED_TURN_TESTS = [
  'test/faults/cases/aws/29-throttled-items.fault.ts',
  'test/faults/harness/submit-log.test.ts',
  'test/integration/bind-service/aws-clients.test.ts',
  'test/integration/bind-service/dispatch/accounts-reconciler.test.ts',
  'test/integration/bind-service/dispatch/binds/reachability-probe.test.ts',
  'test/integration/bind-service/dispatch/binds/slot-leases.test.ts',
  'test/integration/bind-service/dispatch/binds/tls.test.ts',
  'test/integration/bind-service/dispatch/deliveries.test.ts',
  'test/integration/bind-service/dispatch/deliveries/account-receipts.test.ts',
  'test/integration/bind-service/dispatch/deliveries/delivery-kinds.test.ts',
  'test/integration/bind-service/dispatch/emf-metrics.test.ts',
  'test/integration/bind-service/dispatch/give-backs.test.ts',
  'test/integration/bind-service/dispatch/intake/accounts.test.ts',
  'test/integration/bind-service/dispatch/intake/anti-loop-faults.test.ts',
  'test/integration/bind-service/dispatch/intake/anti-loop.test.ts',
  'test/integration/bind-service/dispatch/intake/invalid-message-record.test.ts',
  'test/integration/bind-service/dispatch/intake/keyed-validity.test.ts',
  'test/integration/bind-service/dispatch/intake/queue-consumer.test.ts',
  'test/integration/bind-service/dispatch/intake/sqs-lane.test.ts',
  'test/integration/bind-service/dispatch/intake/visibility-keeper.test.ts',
  'test/integration/bind-service/dispatch/lease.test.ts',
  'test/integration/bind-service/dispatch/provider-answers.test.ts',
  'test/integration/bind-service/dispatch/queue-copies.test.ts',
  'test/integration/bind-service/dispatch/reconciler.test.ts',
  'test/integration/bind-service/dispatch/reused-ids.test.ts',
  'test/integration/bind-service/dispatch/service.test.ts',
  'test/integration/bind-service/dispatch/submit.test.ts',
  'test/integration/bind-service/dispatch/submit/binary.test.ts',
  'test/integration/bind-service/dispatch/submit/bind-status.test.ts',
  'test/integration/bind-service/dispatch/submit/comment.test.ts',
  'test/integration/bind-service/dispatch/submit/parts-slot-wait.test.ts',
  'test/integration/bind-service/dispatch/submit/parts-window.test.ts',
  'test/integration/bind-service/dispatch/submit/sender-address.test.ts',
  'test/integration/bind-service/dispatch/submit/smpp-limits.test.ts',
  'test/integration/bind-service/dispatch/unknown-outcomes.test.ts',
  'test/integration/bind-service/login/refused-login.test.ts',
  'test/integration/bind-service/smpp/bind-keepalive.test.ts',
  'test/integration/bind-service/smpp/framing.test.ts',
  'test/integration/bind-service/smpp/malformed-deliveries.test.ts',
  'test/integration/bind-service/smpp/reconnect.test.ts',
  'test/integration/bind-service/smpp/smsc-unbind.test.ts',
  'test/integration/bind-service/smpp/stop-deliveries.test.ts',
  'test/integration/bind-service/smpp/stop.test.ts',
  'test/integration/bind-service/smpp/window.test.ts',
  'test/integration/cli/dlq-redrive.test.ts',
  'test/integration/cli/send-wait-reads-fail.test.ts',
  'test/integration/cli/send-wait.test.ts',
  'test/integration/client/batch-retry.test.ts',
  'test/integration/client/retry-after-date.test.ts',
  'test/integration/core/aws/messages/throttled-items.test.ts',
  'test/integration/core/aws/secrets.test.ts',
  'test/integration/lambdas/api/batch-reads-and-enqueue-failures.test.ts',
  'test/integration/lambdas/api/idempotency-and-failures.test.ts',
  'test/integration/lambdas/callbacks/callback-isolation.test.ts',
  'test/integration/lambdas/callbacks/time-budget.test.ts',
  'test/integration/lambdas/status-stream/time-budget.test.ts',
  'test/integration/local/discarded.test.ts',
  'test/integration/local/real-smsc-target.test.ts',
  'test/integration/local/smsc-simulator/binds.test.ts',
  'test/integration/local/smsc-simulator/faults.test.ts',
  'test/integration/local/smsc-simulator/standalone.test.ts',
  'test/integration/local/stack/consumers.test.ts',
  'test/integration/local/stack/stop.test.ts',
  'test/integration/local/stack/stream-poller.test.ts',
] as const;

const SHARED = new Set<string>(SHARED_TURN_TESTS);

/** Whether the test file at this path (relative to the repository) may share its turn. */
export function isSharedTurnTest(path: string): boolean {
  return SHARED.has(path);
}
