import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { fromMessageItem, isMessageItem } from '#core/aws/messages/message-item.ts';
import { elapse } from '#test/helpers/wait.ts';
import type { FaultStack } from './fault-stack.ts';
import { type SentMessage, sendMessages } from './traffic.ts';

// Orphan receipts as the table holds them, for cases that act the moment they are parked (35, 36).

/** Answers held back this long, so the window is full of submits the SMSC has taken. */
const ANSWER_DELAY_MS = 500;
/**
 * Long enough that the reconciler has looked at the `unknown` messages and put each off by its age,
 * so their next looks run past a case's settle time.
 */
const PARTITION_MS = 90_000;
/** One window's worth (the cases set SMPP_WINDOW to it): nothing is left to send after the heal. */
export const ORPHANED_WINDOW = 10;

/**
 * A window the SMSC has taken goes `unknown` behind a 90 s silent partition of the SMPP link; once
 * it heals, the receipts the SMSC kept come on the new bind and are parked as orphans. Returns as
 * soon as every such message has one parked, with how many there are.
 */
export async function orphanAWindow(
  stack: FaultStack,
  sent: SentMessage[],
  caseNumber: number,
): Promise<number> {
  stack.sim.fault({ type: 'slow', delayMs: ANSWER_DELAY_MS, count: 1_000 });
  sent.push(
    ...(await sendMessages(stack.local.apiUrl, caseNumber, {
      caseName: `case${caseNumber}`,
      count: ORPHANED_WINDOW,
    })),
  );
  await stack.sim.waitFor(() => stack.sim.stats.submits >= ORPHANED_WINDOW, 30_000);
  await stack.proxies.smpp.partitionFor(PARTITION_MS);
  stack.sim.clearFaults();
  return waitForOrphans(stack, 60_000);
}

/**
 * Waits until every `unknown` message without an SMSC id has an orphan receipt parked for it;
 * returns how many such messages there are.
 */
async function waitForOrphans(stack: FaultStack, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { unmatched, orphans } = await countOrphaned(stack);
    if (unmatched > 0 && orphans >= unmatched) return unmatched;
    if (Date.now() > deadline)
      throw new Error(`${orphans} orphan receipts for ${unmatched} unmatched messages after ${timeoutMs} ms`);
    await elapse(100);
  }
}

/**
 * In one pass over the messages table: `unknown` messages without SMSC ids, and lookups holding
 * receipts nobody owns (listed in the byAttention index as `orphan#<digits>`).
 */
async function countOrphaned(stack: FaultStack): Promise<{ unmatched: number; orphans: number }> {
  const counts = { unmatched: 0, orphans: 0 };
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.clients.document.send(
      new ScanCommand({
        TableName: stack.local.tables.messages,
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (typeof item.attention === 'string' && item.attention.startsWith('orphan#')) counts.orphans += 1;
      if (!isMessageItem(item)) continue;
      const record = fromMessageItem(item);
      if (record.status === 'unknown' && record.smscIds.length === 0) counts.unmatched += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return counts;
}
