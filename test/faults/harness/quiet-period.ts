// How long run-case.ts's settle() waits with no SUBMIT_SM before a case is judged.

/**
 * How long no SUBMIT_SM may come once everything looks settled before the case is judged. A copy of a
 * message the bind-service received but never deleted comes back when its visibility timeout runs
 * out: where a case shortens the timeout (3-20 s) so that redeliveries happen within the case, the
 * quiet period is that timeout + 1 s (a receive and a submit), long enough to see such a copy
 * submitted again. The default timeouts (urgent 60 s, bulk 300 s) are too long to wait out at the end
 * of every case; there the empty queues are the guard (fauxqs counts exactly: with nothing visible,
 * in flight or delayed, no copy is left to come back) and the quiet period only covers a copy
 * received just before the queues read empty: 3 s, a receive wait (SQS_WAIT_SECONDS 1) and a submit.
 */
export function quietPeriodMs(visibilitySeconds: { urgent: number; bulk: number }): number {
  const longest = Math.max(visibilitySeconds.urgent, visibilitySeconds.bulk);
  return longest <= 20 ? Math.max(3_000, longest * 1_000 + 1_000) : 3_000;
}
