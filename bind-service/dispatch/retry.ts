// Storage writes on the submit path are retried a few times on transient failures before the
// pipeline gives up on a message: each give-up leaves a message in a state that needs a person
// (e.g. accepted by the SMSC but still `submitting`), so it must stay rare.
import { setTimeout as delay } from 'node:timers/promises';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';

export interface WriteRetry {
  attempts: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_WRITE_RETRY: WriteRetry = { attempts: 5, baseMs: 100, capMs: 2_000 };

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
      await delay(Math.min(retry.capMs, retry.baseMs * 2 ** (attempt - 1)));
    }
  }
}
