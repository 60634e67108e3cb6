import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import { ACCEPTED_SHARDS, acceptedAttention } from '#core/aws/messages/message-item.ts';
import type { MessageTable, TransitionResult } from '#core/aws/messages/message-writes.ts';
import { conditionalUpdate } from '#core/aws/messages/message-writes.ts';
import { MESSAGES_TABLE } from '#core/aws/resources/resource-definitions.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';

// The `accepted` entries of the sparse byAttention index: every record in `accepted` carries
// `attention = "accepted#<hour of attentionAt>#<shard>"` and `attentionAt`, written when it is created
// (or given back by a released claim) and removed by the write that moves it on (the claim, or a
// rejected/failed mark). The sweeper looks there for records whose enqueue may never have happened.
//
// Why this key: writes spread over ACCEPTED_SHARDS partition values (a GSI partition takes about
// 1000 writes/s, and every accepted message writes the index twice: in, then out at its claim); the
// hour keeps each partition to the records of one hour, so a sweep asks for a bounded set of
// partitions (hours of its look-back × shards) and reads only due items, oldest first.
// The reconciler uses `attention = "unknown"` on the same index; nothing here touches it.

const ACCEPTED = 'accepted';
const HOUR_MS = 3_600_000;

const BY_ATTENTION = (() => {
  const index = MESSAGES_TABLE.globalSecondaryIndexes.find(({ indexName }) => indexName === 'byAttention');
  if (!index) throw new Error('the messages table defines no byAttention index');
  return index.indexName;
})();

/** Sets the entry in an update (a claim given back: the record is `accepted` again). */
export function setAcceptedAttention(update: UpdateExpressionBuilder, id: string, at: string): void {
  const mark = acceptedAttention(id, at);
  update.set('attention', mark.attention).set('attentionAt', mark.attentionAt);
}

/** Removes the entry in an update that moves the record out of `accepted`. */
export function clearAttention(update: UpdateExpressionBuilder): void {
  update.remove('attention').remove('attentionAt');
}

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
  for (const hour of hoursBetween(query.dueBy.getTime() - query.lookbackHours * HOUR_MS, query.dueBy)) {
    const shards = Array.from({ length: ACCEPTED_SHARDS }, (_, shard) => `${ACCEPTED}#${hour}#${shard}`);
    const pages = await Promise.all(
      shards.map((attention) => queryPartition(table, attention, due, query.limit - found.length)),
    );
    for (const page of pages) found.push(...page);
    if (found.length >= query.limit) return found.slice(0, query.limit);
  }
  return found;
}

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
  let startKey: Record<string, unknown> | undefined;
  do {
    const exclusiveStartKey = startKey;
    const page = await runDynamo('find due accepted', () =>
      table.client.send(
        new QueryCommand({
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
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      found.push({ id: String(item.id), attentionAt: String(item.attentionAt), status: String(item.status) });
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey && found.length < limit);
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
    .condition(`${update.name('status')} = ${update.value(ACCEPTED)}`)
    .condition(`${update.name('attentionAt')} = ${update.value(expectedAt)}`);
  return conditionalUpdate(table, id, update, 'reschedule sweep');
}
