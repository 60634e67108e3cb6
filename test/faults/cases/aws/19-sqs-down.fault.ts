import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 19: the SQS server is unreachable from the bind-service for 10 s (receives, deletes and
// visibility changes fail): nothing is sent twice, and the backlog drains when SQS is back.

describe('fault case 19: SQS unavailable for 10 s at the bind-service', () => {
  it('when SQS is unreachable mid-drain, then every message ends once', async () => {
    const result = await runCase({
      number: 19,
      name: 'SQS unavailable for 10 s (bind-service)',
      env: { SMPP_THROUGHPUT: '50' },
      queueVisibilitySeconds: 20,
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 19, { caseName: 'case19', count: 150 })));
        await stack.sim.waitFor(() => stack.sim.messages.length >= 20, 20_000);
        stack.proxies.sqs.setMode('refuse');
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        stack.proxies.sqs.setMode('pass');
        faultEnded();
      },
      settleMs: 90_000,
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
