import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type BackoffPolicy, sleepBackoff } from '#core/support/backoff.ts';

// One strongly consistent BatchGetItem of up to 100 keys, as every reader needs it: the keys DynamoDB
// leaves unprocessed are asked for again with back-off until answered, and a key still unanswered
// after that fails the read (batchGetConsistent), or only that key's reader (batchGetAnswered, for
// the grouped reads of many callers). It is never dropped: an absent item must mean "no item" to the
// caller (the anti-loop rules would otherwise admit a message on state they never read).

export const BATCH_GET_MAX_KEYS = 100;

export type Key = Readonly<Record<string, unknown>>;
export type Item = Record<string, unknown>;

const ATTEMPTS = 8;
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 20, capMs: 1000, jitter: 'full' };

/** The items found for `keys` (at most BATCH_GET_MAX_KEYS), in no particular order. */
export async function batchGetConsistent(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  what: string,
): Promise<Item[]> {
  const { found, unanswered, lastError } = await batchGetAnswered(client, tableName, keys, what);
  if (lastError) throw lastError;
  if (unanswered.length > 0) {
    throw new RepositoryUnavailableError(`DynamoDB ${what}: ${unanswered.length} keys stayed unprocessed`);
  }
  return found;
}

export interface BatchGetAnswer {
  /** The items found, in no particular order. */
  found: Item[];
  /** The keys DynamoDB never answered, after every try: neither found nor known to be absent. */
  unanswered: Key[];
  /** Why the last try failed, when a later try found DynamoDB unavailable (the rest went unanswered). */
  lastError?: RepositoryUnavailableError;
}

/**
 * As batchGetConsistent, but a key still unanswered at the end fails only itself: the keys answered
 * on the way are kept (a reader of many callers' keys answers each caller on its own). It throws
 * when the first call fails as a whole, or any call for a reason that is not transient (a bug).
 */
export async function batchGetAnswered(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  what: string,
): Promise<BatchGetAnswer> {
  if (keys.length > BATCH_GET_MAX_KEYS) {
    throw new RangeError(`${what}: ${keys.length} keys, a BatchGetItem takes ${BATCH_GET_MAX_KEYS}`);
  }
  const found: Item[] = [];
  let pending: Key[] = [...keys];
  for (let attempt = 0; pending.length > 0 && attempt < ATTEMPTS; attempt++) {
    if (attempt > 0) await sleepBackoff(attempt - 1, RETRY_BACKOFF);
    const request = pending;
    let answer: BatchGetCommandOutput;
    try {
      answer = await runDynamo(what, () =>
        client.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } } }),
        ),
      );
    } catch (error) {
      if (attempt === 0 || !(error instanceof RepositoryUnavailableError)) throw error;
      return { found, unanswered: pending, lastError: error };
    }
    found.push(...(answer.Responses?.[tableName] ?? []));
    pending = (answer.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
  }
  return { found, unanswered: pending };
}
