import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 18: DynamoDB is unreachable from the bind-service for 10 s, while it submits and while
// receipts arrive: claims wait, receipts are refused (ESME_RX_T_APPN) so the SMSC sends them again,
// and everything settles once the table is back.

describe('fault case 18: DynamoDB unavailable for 10 s', () => {
  it('when the table is unreachable mid-traffic, then every message and receipt is kept once', async () => {
    const result = await runCase({
      number: 18,
      name: 'DynamoDB unavailable for 10 s',
      env: { SMPP_THROUGHPUT: '50' },
      simulator: { receiptDelayMs: 300, receiptRetryMs: 500 },
      queueVisibilitySeconds: 20,
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 18, { caseName: 'case18', count: 150 })));
        await stack.sim.waitFor(() => stack.sim.messages.length >= 20, 20_000);
        stack.proxies.dynamodb.setMode('refuse');
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        stack.proxies.dynamodb.setMode('pass');
        faultEnded();
      },
      settleMs: 90_000,
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
