import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type BackoffPolicy, sleepBackoff } from '#core/support/backoff.ts';

// One strongly consistent BatchGetItem of up to 100 keys, as every reader needs it: the keys DynamoDB
// leaves unprocessed are asked for again with back-off until answered, and a key still unanswered
// after that fails the read. It is never dropped: an absent item must mean "no item" to the caller
// (the anti-loop rules would otherwise admit a message on state they never read).

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
  if (keys.length > BATCH_GET_MAX_KEYS) {
    throw new RangeError(`${what}: ${keys.length} keys, a BatchGetItem takes ${BATCH_GET_MAX_KEYS}`);
  }
  const found: Item[] = [];
  let pending: Key[] = [...keys];
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= ATTEMPTS) {
      throw new RepositoryUnavailableError(`DynamoDB ${what}: ${pending.length} keys stayed unprocessed`);
    }
    if (attempt > 0) await sleepBackoff(attempt - 1, RETRY_BACKOFF);
    const request = pending;
    const { Responses, UnprocessedKeys } = await runDynamo(what, () =>
      client.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } } }),
      ),
    );
    found.push(...(Responses?.[tableName] ?? []));
    pending = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
  }
  return found;
}
