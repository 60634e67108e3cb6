import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type BackoffPolicy, sleepBackoff } from '#core/support/backoff.ts';

// Recognising DynamoDB's answers, and turning the transient ones into RepositoryUnavailableError.

export function isConditionalCheckFailed(error: unknown): error is ConditionalCheckFailedException {
  return (
    error instanceof ConditionalCheckFailedException ||
    (error instanceof Error && error.name === 'ConditionalCheckFailedException')
  );
}

/**
 * The cancellation behind a failed transaction: runDynamo passes one on as it is, or, when a reason
 * is transient (a throttled item), as the cause of the RepositoryUnavailableError it makes of it.
 */
export function cancellationOf(error: unknown): TransactionCanceledException | undefined {
  if (error instanceof TransactionCanceledException) return error;
  if (error instanceof Error && error.cause instanceof TransactionCanceledException) return error.cause;
  return undefined;
}

/** The per-item codes of a cancelled transaction, in request order ('None' for items that were fine). */
export function cancellationCodes(error: unknown): string[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
}

/**
 * A write lost a race with a concurrent transaction on the same item. The SDK does not retry this
 * (it is not a throttling code), yet retrying is always right: the other write has finished by then.
 */
export function isTransactionConflict(error: unknown): boolean {
  if (error instanceof Error && error.name === 'TransactionConflictException') return true;
  return cancellationCodes(error)?.includes('TransactionConflict') ?? false;
}

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'TransactionInProgressException',
  'TransactionConflictException',
  'TimeoutError',
  'RequestTimeout',
]);
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (TRANSIENT_NAMES.has(error.name) || isTransactionConflict(error)) return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (
    cancellationCodes(error)?.some((c) => c === 'ThrottlingError' || c === 'ProvisionedThroughputExceeded')
  ) {
    return true;
  }
  return status !== undefined && status >= 500;
}

/** Transient failures become RepositoryUnavailableError; anything else (a bug) passes unchanged. */
export function translateDynamoError(error: unknown, operation: string): unknown {
  if (isTransient(error)) {
    const reason = error instanceof Error ? error.name : 'unknown error';
    return new RepositoryUnavailableError(`DynamoDB ${operation} failed: ${reason}`, { cause: error });
  }
  return error;
}

const CONFLICT_ATTEMPTS = 6;
const CONFLICT_BACKOFF: BackoffPolicy = { baseMs: 10, capMs: 200, jitter: 'full' };

/**
 * Runs one DynamoDB operation: retries transaction conflicts with jittered back-off, then translates
 * whatever is left. Conditional-check failures are the caller's business and pass through as is.
 */
export async function runDynamo<T>(operation: string, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (isTransactionConflict(error) && attempt + 1 < CONFLICT_ATTEMPTS) {
        await sleepBackoff(attempt, CONFLICT_BACKOFF);
        continue;
      }
      throw translateDynamoError(error, operation);
    }
  }
}
