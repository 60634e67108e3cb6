import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_MAX_KEYS, batchGetAnswered, type Item, type Key } from '#core/aws/batch-get.ts';
import { RepositoryUnavailableError } from '#core/aws/errors.ts';
import { GroupCommitter, type Settled } from '#core/support/group-commit.ts';

// Strongly consistent reads of one table grouped into BatchGetItem (up to 100 keys a call). Keys
// DynamoDB leaves unprocessed are asked for again with back-off until answered; never dropped. A key
// still unanswered after every try fails its own reader only (RepositoryUnavailableError).

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
      maxBatch: BATCH_GET_MAX_KEYS,
      maxInFlight,
      keysOf: (key) => [keyString(key)],
    });
  }

  get(key: Key): Promise<Item | undefined> {
    return this.committer.submit(key);
  }

  private async flush(keys: readonly Key[]): Promise<Settled<Item | undefined>[]> {
    const names = Object.keys(keys[0] ?? {});
    const answer = await batchGetAnswered(this.client, this.tableName, keys, 'batch get');
    const found = new Map(answer.found.map((item) => [keyString(item, names), item]));
    const unanswered = new Set(answer.unanswered.map((key) => keyString(key, names)));
    return keys.map((key) => {
      const name = keyString(key, names);
      if (!unanswered.has(name)) return { ok: true, value: found.get(name) };
      const error =
        answer.lastError ?? new RepositoryUnavailableError('DynamoDB batch get: the key stayed unprocessed');
      return { ok: false, error };
    });
  }
}
