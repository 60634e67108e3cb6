import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 32: the network to DynamoDB goes silent for 10 s while the bind-service submits and receipts
// arrive, then heals. Unlike case 18 (connections refused at once) nothing tells the client: its
// calls wait for their own timeouts, and the requests that were on the wire when it gave up reach
// DynamoDB when the partition heals, late, after their retries may already have landed. Every
// write must still move a message forward only, and every message end once.

const PARTITION_MS = 10_000;

describe('fault case 32: a silent network partition to DynamoDB', () => {
  it('when DynamoDB goes silent for 10 s mid-traffic and its held requests land late, then every message and receipt is kept once', async () => {
    // Prepare
    let receiptsSentAgain = 0;
    // Act
    const result = await runCase({
      number: 32,
      name: 'silent network partition to DynamoDB (10 s)',
      env: { SMPP_THROUGHPUT: '50' },
      simulator: { receiptDelayMs: 300, receiptRetryMs: 500 },
      queueVisibilitySeconds: 20,
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 32, { caseName: 'case32', count: 150 })));
        await stack.sim.waitFor(() => stack.sim.messages.length >= 20, 20_000);
        await stack.proxies.dynamodb.partitionFor(PARTITION_MS);
        faultEnded();
      },
      settleMs: 120_000,
      afterSettle: async (stack) => {
        receiptsSentAgain = stack.sim.stats.receiptRetries;
      },
    });
    // Assess: receipts that could not be stored meanwhile were left for the SMSC to send again.
    expect(receiptsSentAgain).toBeGreaterThan(0);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
