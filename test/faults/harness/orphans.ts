import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { FaultStack } from './fault-stack.ts';
import { messageRecords } from './traffic.ts';

// Orphan receipts as the table holds them: for cases that act the moment they are parked.

/**
 * Waits until every `unknown` message without an SMSC id has an orphan receipt parked for it;
 * returns how many such messages there are.
 */
export async function waitForOrphans(stack: FaultStack, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  const { document } = stack.clients;
  const table = stack.local.tables.messages;
  for (;;) {
    const records = await messageRecords(document, table);
    const unmatched = [...records.values()].filter(
      (record) => record.status === 'unknown' && record.smscIds.length === 0,
    ).length;
    const orphans = await countOrphans(stack);
    if (unmatched > 0 && orphans >= unmatched) return unmatched;
    if (Date.now() > deadline)
      throw new Error(`${orphans} orphan receipts for ${unmatched} unmatched messages after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Lookups holding receipts nobody owns, as the byAttention index lists them (`orphan#<digits>`). */
async function countOrphans(stack: FaultStack): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.clients.document.send(
      new ScanCommand({
        TableName: stack.local.tables.messages,
        ConsistentRead: true,
        FilterExpression: 'begins_with(attention, :orphan)',
        ExpressionAttributeValues: { ':orphan': 'orphan#' },
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}
