import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import {
  clearAttention,
  LEGACY_UNKNOWN_ATTENTION,
  setAcceptedAttention,
  unknownAttention,
} from '#core/aws/messages/attention/attention-marks.ts';
import { ACCEPTED_SHARDS, itemKey } from '#core/aws/messages/message-item.ts';
import type { MessageTable, TransitionResult } from '#core/aws/messages/message-writes.ts';
import { conditionalUpdate } from '#core/aws/messages/message-writes.ts';
import { queryPages } from '#core/aws/query-pages.ts';
import { MESSAGES_TABLE } from '#core/aws/resources/resource-definitions.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';

// The messages table's sparse `byAttention` index (resource-definitions.ts) lists the messages that
// need a second look, in two kinds of partition:
// - `accepted#<hour of attentionAt>#<shard>`: every `accepted` record, whose enqueue may never have
//   happened. Set when it is created (toMessageItem) or given back by a released claim; the sweeper
//   looks there for records older than its sweep age, re-enqueues them and moves `attentionAt` on.
// - `unknown#<account>`: messages whose submit outcome is `unknown` but that have SMSC ids, so
//   QUERY_SM can still tell what became of them (the account's reconciler asks, under its login).
//   `attentionAt` is when the message last needed looking at: the write that made it so, or the
//   reconciler's last question. One partition per account: a reconciler reads the oldest of its own,
//   so another account's messages nobody asks about (login down, account removed) never block it.
//   Records from before accounts, and the messages of earlier versions, are in plain `unknown`: the
//   default account's reconciler reads it too and moves each message to its account's partition.
//
// One rule for every status write: recordStatus (message-writes.ts) removes both attributes, and a
// write whose new status needs a look sets them again after it (setAcceptedAttention, markForQuery).
// So a message that moves on drops out of the index in the write that moves it, whoever writes it.
//
// Why the `accepted` key is sharded: every accepted message writes the index twice (in, then out at
// its claim), and a GSI partition takes about 1000 writes/s, so writes spread over ACCEPTED_SHARDS
// values; the hour keeps each partition to the records of one hour, so a sweep asks for a bounded set
// of partitions (hours of its look-back × shards) and reads only due items, oldest first. `unknown`
// messages are few (the SMSC did not answer), so an account's share one partition.

const ACCEPTED = 'accepted';
const HOUR_MS = 3_600_000;

export const BY_ATTENTION = (() => {
  const index = MESSAGES_TABLE.globalSecondaryIndexes.find(({ indexName }) => indexName === 'byAttention');
  if (!index) throw new Error('the messages table defines no byAttention index');
  return index.indexName;
})();

// ---- `unknown`: the reconciler's partition ----

/** Ids listed in one `partition` at or before `before`, oldest first, at most `limit` (from the GSI). */
export async function listedBefore(
  table: MessageTable,
  partition: string,
  before: Date,
  limit: number,
): Promise<string[]> {
  const { Items } = await runDynamo(`list ${partition} messages`, () =>
    table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: BY_ATTENTION,
        KeyConditionExpression: '#attention = :partition AND #attentionAt <= :before',
        ExpressionAttributeNames: { '#attention': 'attention', '#attentionAt': 'attentionAt' },
        ExpressionAttributeValues: { ':partition': partition, ':before': before.toISOString() },
        Limit: limit,
      }),
    ),
  );
  return (Items ?? []).map((item) => String(item.id));
}

/**
 * Lists a still-`unknown` message in `partition` as of `at` (it is listed again once that is old
 * enough), or takes it out of the index when `at` is undefined. Only while it is listed in one of
 * `listedIn` (by default `partition` itself); a no-op once it is resolved.
 */
export async function deferUnknown(
  table: MessageTable,
  partition: string,
  id: string,
  at: Date | undefined,
  listedIn: readonly string[] = [partition],
): Promise<void> {
  const update = new UpdateExpressionBuilder();
  if (at) update.set('attention', partition).set('attentionAt', at.toISOString());
  else clearAttention(update);
  update.conditionIn('status', ['unknown']);
  update.conditionIn('attention', listedIn);
  try {
    await runDynamo(`defer ${partition} message`, () =>
      table.client.send(
        new UpdateCommand({ TableName: table.tableName, Key: itemKey.message(id), ...update.build() }),
      ),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/**
 * Ids of `account`'s `unknown` messages with SMSC ids (undefined: the records without an account)
 * that needed a look at or before `before`, oldest first, at most `limit`. From a GSI, so eventually
 * consistent: the caller reads each message before acting.
 */
export function unknownToQuery(
  table: MessageTable,
  account: string | undefined,
  before: Date,
  limit: number,
): Promise<string[]> {
  return listedBefore(table, unknownAttention(account), before, limit);
}

/**
 * When to ask about a still-unknown message again, listed in `account`'s partition (from its own or
 * the one without an account); undefined: nothing will tell any more, it leaves the index.
 */
export function nextQueryAt(
  table: MessageTable,
  id: string,
  account: string | undefined,
  at: Date | undefined,
): Promise<void> {
  const partition = unknownAttention(account);
  return deferUnknown(table, partition, id, at, [...new Set([partition, LEGACY_UNKNOWN_ATTENTION])]);
}

// ---- `accepted`: the sweeper's partitions ----

export interface DueAccepted {
  id: string;
  /** As indexed: the write that reschedules it is conditional on it. */
  attentionAt: string;
  status: string;
}

export interface DueQuery {
  /** Entries with attentionAt at or before this. */
  dueBy: Date;
  /** How far back to look; older hours are not asked for. */
  lookbackHours: number;
  limit: number;
}

/**
 * `accepted` entries due by `dueBy`, oldest hour first, at most `limit`. The index is eventually
 * consistent: an entry may still show a record that was claimed a moment ago (its status says so).
 */
export async function queryDueAccepted(table: MessageTable, query: DueQuery): Promise<DueAccepted[]> {
  const due = query.dueBy.toISOString();
  const found: DueAccepted[] = [];
  const hours = hoursBetween(query.dueBy.getTime() - query.lookbackHours * HOUR_MS, query.dueBy);
  // Several hours at once: one hour after the other cost the default 24-hour look-back 25 round
  // trips a run (0.8-2 s on DynamoDB Local). Results still come oldest hour first.
  for (let start = 0; start < hours.length; start += HOURS_AT_ONCE) {
    const limit = query.limit - found.length;
    const partitions = hours
      .slice(start, start + HOURS_AT_ONCE)
      .flatMap((hour) =>
        Array.from({ length: ACCEPTED_SHARDS }, (_, shard) => `${ACCEPTED}#${hour}#${shard}`),
      );
    const pages = await Promise.all(
      partitions.map((attention) => queryPartition(table, attention, due, limit)),
    );
    for (const page of pages) found.push(...page);
    if (found.length >= query.limit) return found.slice(0, query.limit);
  }
  return found;
}

/** Hours of the index asked for at once (each is ACCEPTED_SHARDS queries). */
const HOURS_AT_ONCE = 6;

/** "YYYY-MM-DDTHH" of every hour from `fromMs` to `to`, inclusive. */
function hoursBetween(fromMs: number, to: Date): string[] {
  const hours: string[] = [];
  const last = Math.floor(to.getTime() / HOUR_MS);
  for (let hour = Math.floor(fromMs / HOUR_MS); hour <= last; hour++) {
    hours.push(new Date(hour * HOUR_MS).toISOString().slice(0, 13));
  }
  return hours;
}

async function queryPartition(
  table: MessageTable,
  attention: string,
  due: string,
  limit: number,
): Promise<DueAccepted[]> {
  const found: DueAccepted[] = [];
  const pages = queryPages(table.client, 'find due accepted', () => ({
    TableName: table.tableName,
    IndexName: BY_ATTENTION,
    KeyConditionExpression: '#attention = :attention AND #attentionAt <= :due',
    ProjectionExpression: '#id, #attentionAt, #status',
    ExpressionAttributeNames: {
      '#attention': 'attention',
      '#attentionAt': 'attentionAt',
      '#id': 'id',
      '#status': 'status',
    },
    ExpressionAttributeValues: { ':attention': attention, ':due': due },
    Limit: limit - found.length,
  }));
  for await (const items of pages) {
    for (const item of items) {
      found.push({ id: String(item.id), attentionAt: String(item.attentionAt), status: String(item.status) });
    }
    if (found.length >= limit) break;
  }
  return found;
}

/**
 * Moves an `accepted` record's entry to `nextAt` (the sweeper enqueued it and looks again later).
 * Conditional on the record still being `accepted` with the entry as read, so a claim that removed
 * the entry meanwhile is never undone: 'stale' then.
 */
export function rescheduleAccepted(
  table: MessageTable,
  id: string,
  expectedAt: string,
  nextAt: string,
): Promise<TransitionResult> {
  const update = new UpdateExpressionBuilder();
  setAcceptedAttention(update, id, nextAt);
  update
    .condition(`attribute_exists(${update.name('pk')})`)
    .conditionIn('status', [ACCEPTED])
    .condition(`${update.name('attentionAt')} = ${update.value(expectedAt)}`);
  return conditionalUpdate(table, id, update, 'reschedule sweep');
}
