import type { MessageTable } from '#core/aws/messages/message-writes.ts';
import { queryPages } from '#core/aws/query-pages.ts';
import { MESSAGES_TABLE } from '#core/aws/resources/resource-definitions.ts';
import { MESSAGE_STATUSES, type MessageStatus } from '#core/domain/messages/message-state.ts';

export type BatchCounts = Record<MessageStatus, number> & { total: number };

/** From the byBatch index, which is eventually consistent: a count may lag a write by a moment. */
export async function countBatch(table: MessageTable, batchId: string): Promise<BatchCounts> {
  const counts = Object.fromEntries([...MESSAGE_STATUSES.map((s) => [s, 0]), ['total', 0]]) as BatchCounts;
  const pages = queryPages(table.client, 'batch counts', () => ({
    TableName: table.tableName,
    IndexName: MESSAGES_TABLE.globalSecondaryIndexes[0].indexName,
    KeyConditionExpression: '#batchId = :batchId',
    ProjectionExpression: '#status',
    ExpressionAttributeNames: { '#batchId': 'batchId', '#status': 'status' },
    ExpressionAttributeValues: { ':batchId': batchId },
  }));
  for await (const items of pages) {
    for (const item of items) {
      const status = item.status as MessageStatus;
      counts[status] += 1;
      counts.total += 1;
    }
  }
  return counts;
}
