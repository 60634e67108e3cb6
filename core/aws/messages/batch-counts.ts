import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { runDynamo } from '#core/aws/dynamo-errors.ts';
import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { MESSAGES_TABLE } from '#core/aws/resources/resource-definitions.ts';
import { MESSAGE_STATUSES, type MessageStatus } from '#core/domain/messages/message-state.ts';

export type BatchCounts = Record<MessageStatus, number> & { total: number };

/** From the byBatch index, which is eventually consistent: a count may lag a write by a moment. */
export async function countBatch(table: MessageTable, batchId: string): Promise<BatchCounts> {
  const counts = Object.fromEntries([...MESSAGE_STATUSES.map((s) => [s, 0]), ['total', 0]]) as BatchCounts;
  let startKey: Record<string, unknown> | undefined;
  do {
    const exclusiveStartKey = startKey;
    const page = await runDynamo('batch counts', () =>
      table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: MESSAGES_TABLE.globalSecondaryIndexes[0].indexName,
          KeyConditionExpression: '#batchId = :batchId',
          ProjectionExpression: '#status',
          ExpressionAttributeNames: { '#batchId': 'batchId', '#status': 'status' },
          ExpressionAttributeValues: { ':batchId': batchId },
          ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const status = item.status as MessageStatus;
      counts[status] += 1;
      counts.total += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return counts;
}
