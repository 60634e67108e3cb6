import { CallbackError } from '#core/callbacks/callback.ts';
import { CallbackRefusedError } from '#core/callbacks/callback-sender.ts';

// What one callback attempt's failure means, and how long the next attempt waits. Pure, unit-tested.

/**
 * final: no later attempt can change the answer (a redirect, which is never followed; a 4xx other
 * than 408/429; a URL this process may not call). retry: the receiver may be back later (no answer,
 * a timeout, 5xx, 408, 429).
 */
export type FailureKind = 'final' | 'retry';

export function failureKind(error: unknown): FailureKind {
  if (error instanceof CallbackRefusedError) return 'final';
  if (error instanceof CallbackError && error.status !== undefined) {
    const status = error.status;
    if (status === 408 || status === 429) return 'retry';
    if (status >= 300 && status < 500) return 'final';
  }
  return 'retry';
}

/** Seconds before attempt n+1 after attempt n failed (n from 1): 10 s, 30 s, 2 min, 10 min, 30 min, 1 h… */
const BACKOFF_SECONDS = [10, 30, 120, 600, 1_800, 3_600] as const;
/** SQS allows at most 12 hours of visibility. */
const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export function backoffSeconds(attempt: number): number {
  const index = Math.min(Math.max(attempt, 1), BACKOFF_SECONDS.length) - 1;
  return Math.min(BACKOFF_SECONDS[index] ?? MAX_VISIBILITY_SECONDS, MAX_VISIBILITY_SECONDS);
}
