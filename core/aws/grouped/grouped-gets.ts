import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_MAX_KEYS, batchGetConsistent, type Item, type Key } from '#core/aws/batch-get.ts';
import { GroupCommitter, type Settled } from '#core/support/group-commit.ts';

// Strongly consistent reads of one table grouped into BatchGetItem (up to 100 keys a call). Keys
// DynamoDB leaves unprocessed are asked for again with back-off until answered; never dropped.

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
    const items = await batchGetConsistent(this.client, this.tableName, keys, 'batch get');
    const found = new Map(items.map((item) => [keyString(item, names), item]));
    return keys.map((key) => ({ ok: true, value: found.get(keyString(key, names)) }));
  }
}
