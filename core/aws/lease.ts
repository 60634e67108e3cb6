import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { BATCH_GET_MAX_KEYS, batchGetConsistent } from '#core/aws/batch-get.ts';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { itemKey } from '#core/aws/messages/message-item.ts';

// "One owner per login": without MCON a second bind with the same login ends the first session, so
// two bind-service tasks must never bind the same system_id at once. A task binds only while it holds
// the lease and renews it well before `ttlMs` runs out; a task that dies simply stops renewing and
// the lease becomes free when it expires. Expiry compares wall clocks of different tasks (NTP-synced
// on ECS): keep the TTL far above any plausible skew (tens of seconds, not milliseconds).

export interface LeaseHolder {
  owner: string;
  expiresAtMs: number;
  /** When the owner took it (its clock); absent on an item written without it. */
  acquiredAtMs?: number;
}

export interface LeaseOptions {
  clock?: () => Date;
}

/** The item outlives its lease by a day, then TTL removes it; only `expiresAtMs` decides ownership. */
const ITEM_GRACE_SECONDS = 86_400;

export class LeaseRepository {
  private readonly now: () => Date;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    options: LeaseOptions = {},
  ) {
    this.now = options.clock ?? (() => new Date());
  }

  /** True when `owner` holds the lease now (taken, expired one taken over, or already ours). */
  async acquireLease(systemId: string, owner: string, ttlMs: number): Promise<boolean> {
    const nowMs = this.now().getTime();
    const expiresAtMs = nowMs + ttlMs;
    try {
      await runDynamo('acquire lease', () =>
        this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: {
              ...itemKey.lease(systemId),
              owner,
              expiresAtMs,
              acquiredAt: new Date(nowMs).toISOString(),
              expiresAt: Math.floor(expiresAtMs / 1000) + ITEM_GRACE_SECONDS,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAtMs < :now OR #owner = :me',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':now': nowMs, ':me': owner },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** False when the lease is no longer ours: the caller must unbind at once. */
  async renewLease(systemId: string, owner: string, ttlMs: number): Promise<boolean> {
    const expiresAtMs = this.now().getTime() + ttlMs;
    try {
      await runDynamo('renew lease', () =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: itemKey.lease(systemId),
            UpdateExpression: 'SET expiresAtMs = :expiresAtMs, expiresAt = :expiresAt',
            // Still ours even if it lapsed, as long as nobody took it over meanwhile.
            ConditionExpression: '#owner = :me',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: {
              ':me': owner,
              ':expiresAtMs': expiresAtMs,
              ':expiresAt': Math.floor(expiresAtMs / 1000) + ITEM_GRACE_SECONDS,
            },
          }),
        ),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  /** Frees the lease if it is ours (after unbind), so the next owner need not wait for expiry. */
  async releaseLease(systemId: string, owner: string): Promise<void> {
    try {
      await runDynamo('release lease', () =>
        this.client.send(
          new DeleteCommand({
            TableName: this.tableName,
            Key: itemKey.lease(systemId),
            ConditionExpression: '#owner = :me',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':me': owner },
          }),
        ),
      );
    } catch (error) {
      // Someone else holds it (ours lapsed and was taken over) or it is gone: nothing to release.
      if (!isConditionalCheckFailed(error)) throw error;
    }
  }

  /** Who holds the lease, for logs ("waiting for task X, lease ends at ..."). */
  async currentHolder(systemId: string): Promise<LeaseHolder | undefined> {
    const { Item } = await runDynamo('read lease', () =>
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: itemKey.lease(systemId), ConsistentRead: true }),
      ),
    );
    if (!Item || (Item.expiresAtMs as number) < this.now().getTime()) return undefined;
    return { owner: Item.owner as string, expiresAtMs: Item.expiresAtMs as number };
  }

  /**
   * The live holders of several leases (the task roster) in one BatchGetItem per 100 keys, read
   * consistently; an expired or missing lease is absent from the map. Unprocessed keys are asked again.
   */
  async holders(keys: readonly string[]): Promise<Map<string, LeaseHolder>> {
    const live = new Map<string, LeaseHolder>();
    const nowMs = this.now().getTime();
    for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
      const chunk = keys.slice(start, start + BATCH_GET_MAX_KEYS).map((key) => itemKey.lease(key));
      const items = await batchGetConsistent(this.client, this.tableName, chunk, 'read leases (batch)');
      for (const item of items) {
        const expiresAtMs = item.expiresAtMs as number;
        if (expiresAtMs < nowMs) continue;
        const acquiredAtMs = typeof item.acquiredAt === 'string' ? Date.parse(item.acquiredAt) : Number.NaN;
        live.set(String(item.pk).slice('LEASE#'.length), {
          owner: item.owner as string,
          expiresAtMs,
          ...(Number.isNaN(acquiredAtMs) ? {} : { acquiredAtMs }),
        });
      }
    }
    return live;
  }
}
