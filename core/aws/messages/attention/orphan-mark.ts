import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isConditionalCheckFailed, runDynamo } from '#core/aws/dynamo-errors.ts';
import { itemKey } from '#core/aws/messages/message-item.ts';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';

// When a receipt of the login was last parked as an orphan, one item per login. An unmatched
// message that found no orphan is looked at again only after as long again as its age (up to an
// hour), so every task's reconciler reads this mark once a run, and a newer one sets off a check of
// every unmatched message once that orphan may be adopted. In the table, not in the memory of the
// task that parked the orphan: that task may stop or die before its reconciler's next run. One
// write per orphan parked (rare: a lost SUBMIT_SM_RESP) and one read per reconciler run.

const MARK_ATTR = 'parkedAtMs';
/** A mark matters for minutes; the TTL removes that of a login that parks no orphan for two days. */
const MARK_KEPT_SECONDS = 2 * 86_400;

/** Moves the login's mark to now, unless another task moved it later meanwhile. */
export async function noteOrphanParked(table: MessageTable): Promise<void> {
  const nowMs = table.now().getTime();
  try {
    await runDynamo('note orphan receipt parked', () =>
      table.client.send(
        new UpdateCommand({
          TableName: table.tableName,
          Key: itemKey.orphanMark(table.smscScope),
          UpdateExpression: 'SET #at = :at, expiresAt = :expiresAt',
          ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
          ExpressionAttributeNames: { '#at': MARK_ATTR },
          ExpressionAttributeValues: {
            ':at': nowMs,
            ':expiresAt': Math.floor(nowMs / 1000) + MARK_KEPT_SECONDS,
          },
        }),
      ),
    );
  } catch (error) {
    // A later mark is already there: it prompts as much.
    if (!isConditionalCheckFailed(error)) throw error;
  }
}

/** When a receipt of the login was last parked as an orphan, by any task; undefined: not lately. */
export async function lastOrphanParkedAt(table: MessageTable): Promise<Date | undefined> {
  const { Item } = await runDynamo('read orphan mark', () =>
    table.client.send(
      new GetCommand({
        TableName: table.tableName,
        Key: itemKey.orphanMark(table.smscScope),
        ConsistentRead: true,
      }),
    ),
  );
  const at = Item?.[MARK_ATTR];
  return typeof at === 'number' ? new Date(at) : undefined;
}
