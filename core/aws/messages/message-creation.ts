import { setTimeout as delay } from 'node:timers/promises';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { cancellationCodes, isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { DuplicateMessageIdError, RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type IdempotencyItem, itemKey, toMessageItem } from '#core/aws/messages/message-item.ts';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { type BackoffPolicy, backoffDelayMs } from '#core/support/backoff.ts';
import { eachAtMost } from '#core/support/each-at-most.ts';

// Writing new message records: one at a time (optionally with an idempotency record, in one
// transaction) or a batch of fresh records.

export interface IdempotencyInput {
  /** Scope it to the caller (e.g. principal + header value) before it gets here. */
  key: string;
  requestHash: string;
  response: unknown;
  /**
   * What the anti-loop rules know the message by (messageFingerprint): a request that loses a race
   * for the key learns whether the winner's message is counted by the window it opened itself.
   */
  fingerprint?: string;
}

/** What an idempotency record holds of the request that made it. */
export interface StoredIdempotency {
  requestHash: string;
  response: unknown;
  fingerprint?: string;
}

export type CreateAcceptedResult = { created: true } | { created: false; existing: StoredIdempotency };

export interface CreationTtl {
  /** Epoch seconds for the message item. */
  messageExpiresAt: number;
  idempotencyHours: number;
}

const BATCH_WRITE_SIZE = 25;
const BATCH_WRITE_ATTEMPTS = 8;
const BATCH_BACKOFF: BackoffPolicy = { baseMs: 50, capMs: 2_000, jitter: 'full' };
/**
 * Chunks written at once: a batch of 1000 is 40 round trips one after another, but DynamoDB takes
 * them in parallel. Kept small so one batch does not flood the table's (or the client's) capacity.
 */
const BATCH_WRITE_CONCURRENCY = 4;

export async function createMessage(
  table: MessageTable,
  record: MessageRecord,
  ttl: CreationTtl,
  idempotency?: IdempotencyInput,
): Promise<CreateAcceptedResult> {
  if (!idempotency) {
    await putNew(table, record, ttl.messageExpiresAt);
    return { created: true };
  }
  // Twice at most: the second run covers an idempotency record that expired between our two calls.
  for (let attempt = 0; attempt < 2; attempt++) {
    const codes = await putWithIdempotency(table, record, ttl, idempotency);
    if (!codes) return { created: true };
    if (codes[1] !== 'ConditionalCheckFailed') throw new DuplicateMessageIdError(record.id);
    const existing = await readIdempotency(table, idempotency.key);
    if (existing) return { created: false, existing };
  }
  // Not the key: the client chose it, and this message goes to the log.
  throw new RepositoryUnavailableError('the idempotency record kept changing');
}

/**
 * An `accepted` record the bind-service made for a message published straight to SQS, whose claim
 * waits for the anti-loop rules (MessageItem.awaitingRules). DuplicateMessageIdError when another
 * copy of the same send made it first.
 */
export function createAwaitingRules(
  table: MessageTable,
  record: MessageRecord,
  expiresAt: number,
): Promise<void> {
  return putNew(table, record, expiresAt, { awaitingRules: true });
}

/**
 * What a batch store did not write because its signal stopped it (both empty when it ran to the end).
 * The rest of the records are written.
 */
export interface BatchCreation {
  /** Certainly not written: their chunk never started, or DynamoDB gave them back unprocessed. */
  unwritten: MessageRecord[];
  /** In a call the signal cut off: DynamoDB may have written them or not. */
  inDoubt: MessageRecord[];
}

/**
 * BatchWrite cannot be conditional: ids must be fresh (they are generated). Chunks of 25 go a few at a
 * time; after a chunk fails no further chunk starts, the ones under way finish, and the first error is
 * thrown (the caller marks every record of the batch as not queued, written or not).
 *
 * `signal` is the caller's deadline: once it fires no chunk starts and none retries, and a call under
 * way is cut off, so a throttled table cannot hold the request past its answer (a chunk alone may
 * retry for about 8 s). What it left is returned, not thrown: the caller answers those entries.
 */
export async function createMessages(
  table: MessageTable,
  records: readonly MessageRecord[],
  expiresAt: number,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<BatchCreation> {
  const chunks: MessageRecord[][] = [];
  for (let start = 0; start < records.length; start += BATCH_WRITE_SIZE) {
    chunks.push(records.slice(start, start + BATCH_WRITE_SIZE));
  }
  const left: BatchCreation = { unwritten: [], inDoubt: [] };
  await eachAtMost(chunks, BATCH_WRITE_CONCURRENCY, async (chunk) => {
    const chunkLeft = await writeChunk(table, chunk, expiresAt, options.signal);
    left.unwritten.push(...chunkLeft.unwritten);
    left.inDoubt.push(...chunkLeft.inDoubt);
  });
  return left;
}

/** One BatchWrite of at most 25; unprocessed items are sent again with back-off, until the signal. */
async function writeChunk(
  table: MessageTable,
  records: readonly MessageRecord[],
  expiresAt: number,
  signal: AbortSignal | undefined,
): Promise<BatchCreation> {
  const byKey = new Map(records.map((record) => [itemKey.message(record.id).pk, record]));
  let requests = records.map((record) => ({ PutRequest: { Item: toMessageItem(record, expiresAt) } }));
  // Unprocessed requests come back exactly as sent (a copy, not the same object): found by their key.
  const recordsOf = (sent: typeof requests) =>
    sent.map(({ PutRequest }) => byKey.get(String(PutRequest.Item.pk))).filter((r) => r !== undefined);
  for (let attempt = 0; requests.length > 0; attempt++) {
    if (attempt === BATCH_WRITE_ATTEMPTS) {
      throw new RepositoryUnavailableError(`${requests.length} batch records still unprocessed`);
    }
    if (attempt > 0) await pause(backoffDelayMs(attempt, BATCH_BACKOFF), signal);
    // Not sent (never, or given back unprocessed): certainly not written.
    if (signal?.aborted) return { unwritten: recordsOf(requests), inDoubt: [] };
    const batch = requests;
    let answer: BatchWriteCommandOutput;
    try {
      answer = await runDynamo('batch create', () =>
        table.client.send(
          new BatchWriteCommand({ RequestItems: { [table.tableName]: batch } }),
          signal ? { abortSignal: signal } : {},
        ),
      );
    } catch (error) {
      // Cut off on its way: DynamoDB may have written its items with the answer lost.
      if (signal?.aborted) return { unwritten: [], inDoubt: recordsOf(batch) };
      throw error;
    }
    requests = (answer.UnprocessedItems?.[table.tableName] ?? []) as typeof batch;
  }
  return { unwritten: [], inDoubt: [] };
}

/** Waits `ms`, or less when the signal fires first (the caller then sees it aborted). */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
}

async function putNew(
  table: MessageTable,
  record: MessageRecord,
  expiresAt: number,
  options: { awaitingRules?: boolean } = {},
): Promise<void> {
  try {
    await runDynamo('create message', () =>
      table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: toMessageItem(record, expiresAt, options),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
    // A put whose answer timed out may have been written: the SDK's retry then finds our own item.
    // Ids are generated, so an item with this id, creation time, recipient and text is that attempt.
    const existing = error.Item;
    const same = (['createdAt', 'to', 'text'] as const).every(
      (name) => stringOf(existing?.[name]) === record[name],
    );
    if (existing && same) return;
    throw new DuplicateMessageIdError(record.id);
  }
}

/** A string attribute of an item a failed condition returned (raw AttributeValues: not unmarshalled). */
function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && 'S' in value) return String(value.S);
  return undefined;
}

/** Undefined when both items were written, else the cancellation codes [message, idempotency]. */
async function putWithIdempotency(
  table: MessageTable,
  record: MessageRecord,
  ttl: CreationTtl,
  idempotency: IdempotencyInput,
): Promise<string[] | undefined> {
  const now = table.now();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const idemItem: IdempotencyItem = {
    ...itemKey.idempotency(idempotency.key),
    requestHash: idempotency.requestHash,
    response: idempotency.response,
    ...(idempotency.fingerprint === undefined ? {} : { fingerprint: idempotency.fingerprint }),
    messageId: record.id,
    createdAt: now.toISOString(),
    expiresAt: nowSeconds + ttl.idempotencyHours * 3_600,
  };
  try {
    await runDynamo('create message (idempotent)', () =>
      table.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: table.tableName,
                Item: toMessageItem(record, ttl.messageExpiresAt),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: table.tableName,
                Item: idemItem,
                // TTL deletes late (up to days): an expired record counts as absent.
                ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
                ExpressionAttributeValues: { ':now': nowSeconds },
              },
            },
          ],
        }),
      ),
    );
    return undefined;
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.includes('ConditionalCheckFailed')) return codes;
    throw error;
  }
}

/**
 * Moves an idempotency record's end to `expiresAt` when it still holds the request `requestHash`
 * and would end sooner. A no-op for a record gone or holding another request.
 */
export async function extendIdempotency(
  table: MessageTable,
  key: string,
  requestHash: string,
  expiresAt: number,
): Promise<void> {
  try {
    await runDynamo('extend idempotency record', () =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: itemKey.idempotency(key),
          UpdateExpression: 'SET expiresAt = :expiresAt',
          ConditionExpression: 'requestHash = :hash AND expiresAt < :expiresAt',
          ExpressionAttributeValues: { ':hash': requestHash, ':expiresAt': expiresAt },
        }),
      ),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** The record an idempotency key holds; undefined when none, or expired (TTL deletes late). */
export async function readIdempotency(
  table: MessageTable,
  key: string,
): Promise<StoredIdempotency | undefined> {
  const { Item } = await runDynamo('read idempotency record', () =>
    table.client.send(
      new GetCommand({ TableName: table.tableName, Key: itemKey.idempotency(key), ConsistentRead: true }),
    ),
  );
  const item = Item as IdempotencyItem | undefined;
  if (!item || item.expiresAt < Math.floor(table.now().getTime() / 1000)) return undefined;
  return {
    requestHash: item.requestHash,
    response: item.response,
    ...(item.fingerprint === undefined ? {} : { fingerprint: item.fingerprint }),
  };
}
