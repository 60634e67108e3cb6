import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 33: the network to SQS goes silent mid-drain for longer than the queue's visibility timeout,
// then heals. Nothing tells the bind-service: its receives, deletes and visibility changes wait
// (their request timeout, 30 s, is longer than the partition), messages it had received and sent
// become visible again meanwhile, and the held deletes reach SQS late, with receipt handles of a
// receive that has lapsed. Those messages come back to the bind-service after the heal: each must
// be recognised as sent, not sent again, and everything else sent once.

const VISIBILITY_SECONDS = 15;
const PARTITION_MS = 20_000;

describe('fault case 33: a silent network partition to SQS', () => {
  it('when SQS goes silent mid-drain for longer than the visibility timeout, then every message ends once', async () => {
    // Prepare
    let claimedComeBack = 0;
    // Act
    const result = await runCase({
      number: 33,
      name: 'silent network partition to SQS (20 s, visibility 15 s)',
      env: { SMPP_THROUGHPUT: '50' },
      queueVisibilitySeconds: VISIBILITY_SECONDS,
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 33, { caseName: 'case33', count: 150 })));
        await stack.sim.waitFor(() => stack.sim.messages.length >= 20, 20_000);
        await stack.proxies.sqs.partitionFor(PARTITION_MS);
        faultEnded();
      },
      settleMs: 120_000,
      afterSettle: async (stack) => {
        claimedComeBack = stack.bind.logged('copy or redelivery of a message already claimed').length;
      },
    });
    // Assess: messages already sent came back once the partition healed, and were not sent again.
    expect(claimedComeBack).toBeGreaterThan(0);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
