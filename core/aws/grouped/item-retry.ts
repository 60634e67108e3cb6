import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type BackoffPolicy, sleepBackoff } from '#core/support/backoff.ts';

// One item of a grouped call that DynamoDB refused for now (a throttled statement, a transaction
// cancelled for a throttled item or a conflict) goes again in a later call, after a back-off, on its
// caller's own promise: it is never dropped, and it never holds back the items that went through.
// After ITEM_ATTEMPTS tries it fails as a whole call would: RepositoryUnavailableError, which the
// callers' own retries treat like any outage.

/** A flush's answer for an item to send again: the code DynamoDB gave it. */
export interface RetryItem {
  retry: string;
}

const ITEM_ATTEMPTS = 8;
const ITEM_BACKOFF: BackoffPolicy = { baseMs: 20, capMs: 1000, jitter: 'full' };

function isRetry(answer: unknown): answer is RetryItem {
  return typeof answer === 'object' && answer !== null && 'retry' in answer;
}

/** Submits until the answer is not a RetryItem; RepositoryUnavailableError once attempts run out. */
export async function untilLanded<Result>(
  submit: () => Promise<Result | RetryItem>,
  operation: string,
): Promise<Result> {
  let reason = '';
  for (let attempt = 0; attempt < ITEM_ATTEMPTS; attempt++) {
    if (attempt > 0) await sleepBackoff(attempt - 1, ITEM_BACKOFF);
    const answer = await submit();
    if (!isRetry(answer)) return answer;
    reason = answer.retry;
  }
  throw new RepositoryUnavailableError(`DynamoDB ${operation} failed: ${reason}`);
}
