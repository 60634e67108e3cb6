// Storage writes on the submit path are retried on transient failures before the pipeline gives up
// on a message: each give-up leaves a message in a state that needs a person (e.g. accepted by the
// SMSC but still `submitting`), so it must stay rare.
// - retryTransient: a few attempts, for writes whose loss costs little (a claim: the message is
//   given back unsent).
// - retryUntil: until a deadline, for the record of what went on the wire (its SMSC ids) or that
//   nothing did (a released claim): the SQS message is kept invisible meanwhile, and its redelivery
//   would know only that it was claimed.
import { setTimeout as delay } from 'node:timers/promises';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type BackoffPolicy, backoffDelayMs, sleepBackoff } from '#core/support/backoff.ts';

/** Exact delays (no jitter): base, 2 × base, ... up to the cap. */
export interface WriteRetry extends Pick<BackoffPolicy, 'baseMs' | 'capMs'> {
  attempts: number;
}

export const DEFAULT_WRITE_RETRY: WriteRetry = { attempts: 5, baseMs: 100, capMs: 2_000 };

export type PatientRetry = Pick<BackoffPolicy, 'baseMs' | 'capMs'>;

export const DEFAULT_PATIENT_RETRY: PatientRetry = { baseMs: 100, capMs: 5_000 };

/** Runs `write`, again after a back-off when it throws RepositoryUnavailableError. */
export async function retryTransient<T>(
  write: () => Promise<T>,
  retry: WriteRetry = DEFAULT_WRITE_RETRY,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof RepositoryUnavailableError) || attempt >= retry.attempts) throw error;
      await sleepBackoff(attempt - 1, retry);
    }
  }
}

/**
 * Runs `write`, again after a capped, doubling back-off when it throws RepositoryUnavailableError, as
 * long as the next attempt would start before `deadline()` (monotonic ms, read at each failure: it
 * may move on), and in any case as often as retryTransient would (a queue with a visibility timeout
 * shorter than the caller's margin still gets those). Then the last error is thrown.
 */
export async function retryUntil<T>(
  write: () => Promise<T>,
  deadline: () => number,
  options: { now?: () => number; backoff?: PatientRetry } = {},
): Promise<T> {
  const now = options.now ?? (() => performance.now());
  const backoff = options.backoff ?? DEFAULT_PATIENT_RETRY;
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof RepositoryUnavailableError)) throw error;
      const pause = backoffDelayMs(attempt, backoff);
      const early = attempt + 1 < DEFAULT_WRITE_RETRY.attempts;
      if (!early && now() + pause >= deadline()) throw error;
      await delay(pause);
    }
  }
}
