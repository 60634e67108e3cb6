import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 7: SUBMIT_SM_RESP arrives after the response timeout: the message went `unknown` at the
// timeout; the late answer still records its SMSC id, so the receipt resolves it.

describe('fault case 7: SUBMIT_SM_RESP after the timeout', () => {
  it('when answers come after the timeout, then the messages are still resolved by their receipts', async () => {
    const result = await runCase({
      number: 7,
      name: 'SUBMIT_SM_RESP after the timeout',
      env: { SMPP_THROUGHPUT: '100' },
      bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '1' },
      act: async ({ stack, sent, faultEnded }) => {
        stack.sim.fault({ type: 'slow', delayMs: 2_500, count: 5 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 7, { caseName: 'case07', count: 30 })));
        faultEnded();
      },
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
