import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type BackoffPolicy, sleepBackoff } from '#core/support/backoff.ts';
import { GroupCommitter, type Settled } from '#core/support/group-commit.ts';

// Strongly consistent reads of one table grouped into BatchGetItem (up to 100 keys a call). Keys
// DynamoDB leaves unprocessed are asked for again with back-off until answered; never dropped.

export const MAX_KEYS = 100;

type Key = Readonly<Record<string, unknown>>;
export type Item = Record<string, unknown>;

const ATTEMPTS = 8;
const RETRY_BACKOFF: BackoffPolicy = { baseMs: 20, capMs: 1000, jitter: 'full' };

/** The same string for a key and for the item it names (its key attributes, in name order). */
export function keyString(key: Key, names: readonly string[] = Object.keys(key)): string {
  return JSON.stringify([...names].sort().map((name) => [name, key[name]]));
}

export class GroupedGets {
  private readonly committer: GroupCommitter<Key, Item | undefined>;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    maxInFlight: number,
  ) {
    this.committer = new GroupCommitter({
      flush: (keys) => this.flush(keys),
      maxBatch: MAX_KEYS,
      maxInFlight,
      keysOf: (key) => [keyString(key)],
    });
  }

  get(key: Key): Promise<Item | undefined> {
    return this.committer.submit(key);
  }

  private async flush(keys: readonly Key[]): Promise<Settled<Item | undefined>[]> {
    const names = Object.keys(keys[0] ?? {});
    const found = new Map<string, Item>();
    let pending: Key[] = [...keys];
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt >= ATTEMPTS) {
        throw new RepositoryUnavailableError(`DynamoDB batch get: ${pending.length} keys stayed unprocessed`);
      }
      if (attempt > 0) await sleepBackoff(attempt - 1, RETRY_BACKOFF);
      const { Responses, UnprocessedKeys } = await runDynamo('batch get', () =>
        this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        ),
      );
      for (const item of Responses?.[this.tableName] ?? []) found.set(keyString(item, names), item);
      pending = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Key[];
    }
    return keys.map((key) => ({ ok: true, value: found.get(keyString(key, names)) }));
  }
}
