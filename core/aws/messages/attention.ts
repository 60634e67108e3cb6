import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { itemKey } from '#core/aws/messages/message-item.ts';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { MESSAGES_TABLE } from '#core/aws/resources/resource-definitions.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';

// The messages table's sparse `byAttention` index (resource-definitions.ts) lists the messages that
// need a second look. This module owns its `unknown` partition: messages whose submit outcome is
// `unknown` but that have SMSC ids, so QUERY_SM can still tell what became of them (the bind-service's
// reconciler asks). `attentionAt` is when the message last needed looking at: the write that made it
// so, or the reconciler's last question that got no final answer. Every other status write removes
// both attributes (recordStatus), so a resolved message drops out of the index by itself.

export const UNKNOWN_ATTENTION = 'unknown';

/** Lists the message in the `unknown` partition, as of `at` (ISO). */
export function markForQuery(update: UpdateExpressionBuilder, at: string): void {
  update.set('attention', UNKNOWN_ATTENTION).set('attentionAt', at);
}

/** Takes the message out of the index. */
export function clearAttention(update: UpdateExpressionBuilder): void {
  update.remove('attention').remove('attentionAt');
}

const INDEX = MESSAGES_TABLE.globalSecondaryIndexes.find((index) => index.indexName === 'byAttention');

/**
 * Ids of `unknown` messages with SMSC ids that needed a look at or before `before`, oldest first, at
 * most `limit`. From a GSI, so eventually consistent: the caller reads each message before acting.
 */
export async function unknownToQuery(table: MessageTable, before: Date, limit: number): Promise<string[]> {
  if (!INDEX) throw new Error('the messages table defines no byAttention index');
  const { Items } = await runDynamo('list unknown messages', () =>
    table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: INDEX.indexName,
        KeyConditionExpression: '#attention = :unknown AND #attentionAt <= :before',
        ExpressionAttributeNames: { '#attention': 'attention', '#attentionAt': 'attentionAt' },
        ExpressionAttributeValues: { ':unknown': UNKNOWN_ATTENTION, ':before': before.toISOString() },
        Limit: limit,
      }),
    ),
  );
  return (Items ?? []).map((item) => String(item.id));
}

/**
 * Moves a still-unknown message's `attentionAt` (it is asked again once that is old enough), or takes
 * it out of the index when `at` is undefined (nothing will tell any more). No-op once it is resolved.
 */
export async function nextQueryAt(table: MessageTable, id: string, at: Date | undefined): Promise<void> {
  const update = new UpdateExpressionBuilder();
  if (at) update.set('attentionAt', at.toISOString());
  else clearAttention(update);
  update.conditionIn('status', ['unknown']);
  update.condition(`${update.name('attention')} = ${update.value(UNKNOWN_ATTENTION)}`);
  try {
    await runDynamo('defer unknown message', () =>
      table.client.send(
        new UpdateCommand({ TableName: table.tableName, Key: itemKey.message(id), ...update.build() }),
      ),
    );
  } catch (error) {
    if (!isConditionalCheckFailed(error)) throw error;
  }
}
