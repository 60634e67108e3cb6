import { describe, expect, it } from 'vitest';
import type { ItemFaultRule } from '#test/helpers/aws/item-fault-proxy.ts';
import { elapse } from '#test/helpers/wait.ts';
import { runCase } from '../../harness/run-case.ts';
import { seededRandom } from '../../harness/seeded.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 29: DynamoDB and SQS fail single items of the bind-service's batch calls, as they do under
// load: a throttled statement of a BatchExecuteStatement (claims, receipts), a transaction cancelled
// for a throttled item (the grouped `submitted` writes), an unprocessed key of a BatchGetItem, a
// failed entry of a DeleteMessageBatch or ChangeMessageVisibilityBatch. A fixed share of items
// fails while the messages are sent and delivered; the failed items never reach the servers. Every
// item must be retried or left to its queue, never dropped: nothing lost, nothing sent twice, every
// receipt kept.

const FAILED_SHARE = 0.3;
const BATCH_CALLS = [
  'BatchExecuteStatement',
  'BatchGetItem',
  'TransactWriteItems',
  'DeleteMessageBatch',
  'ChangeMessageVisibilityBatch',
];

/** Fails about `share` of the items of the batch calls, from a seeded sequence (a rerun repeats it). */
function seededShare(share: number, seed: number): ItemFaultRule {
  const next = seededRandom(seed);
  return ({ call }) => BATCH_CALLS.includes(call) && next() < share;
}

describe('fault case 29: throttled items in batch calls', () => {
  // npm test runs it too (fast-cases.ts), where the default timeout is 20 s: the act alone takes 18.
  it('when a share of the items of every batch call fails, then each is retried and every message is delivered once', {
    timeout: 240_000,
  }, async () => {
    // Prepare
    const failed: Record<string, number> = {};
    // Act
    const result = await runCase({
      number: 29,
      name: `DynamoDB and SQS fail ${FAILED_SHARE * 100}% of batch items (throttled, unprocessed, failed entries)`,
      env: { SMPP_THROUGHPUT: '50' },
      itemFaults: true,
      // Copies whose delete failed come back within the case (10 s, not the bulk queue's 300 s), so
      // the harness sees each recognised and dropped, not sent again, and the queues drained.
      queueVisibilitySeconds: 10,
      act: async ({ stack, sent, faultEnded }) => {
        const itemFaults = stack.itemFaults;
        if (!itemFaults) throw new Error('the case needs item fault proxies');
        itemFaults.dynamodb.setRule(seededShare(FAILED_SHARE, 29));
        itemFaults.sqs.setRule(seededShare(FAILED_SHARE, 2929));
        sent.push(...(await sendMessages(stack.local.apiUrl, 20, { caseName: 'case29', count: 60 })));
        // Long enough for the messages' submits and receipts to meet the faults too.
        await elapse(15_000);
        for (const proxy of [itemFaults.dynamodb, itemFaults.sqs]) {
          proxy.setRule(undefined);
          for (const [call, count] of proxy.failed) failed[call] = count;
        }
        faultEnded();
      },
      settleMs: 90_000,
    });
    // Assess
    // The calls every message makes met the faults (a BatchGetItem or a visibility change is rarer).
    for (const call of ['BatchExecuteStatement', 'TransactWriteItems', 'DeleteMessageBatch']) {
      expect(failed[call] ?? 0, call).toBeGreaterThan(0);
    }
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: 60 });
    expect(result.holds).toBe(true);
  });
});
