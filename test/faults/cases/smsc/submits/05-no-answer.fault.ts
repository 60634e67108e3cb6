import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 5: the SMSC swallows some submits and never answers: those messages end `unknown` (never
// resent: the SMSC may have them), the others are delivered.

describe('fault case 5: the SMSC never answers a submit', () => {
  it('when five submits get no answer, then they end unknown and the rest are delivered once', async () => {
    const result = await runCase({
      number: 5,
      name: 'SMSC never answers a submit',
      env: { SMPP_THROUGHPUT: '100' },
      bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '2' },
      act: async ({ stack, sent, faultEnded }) => {
        stack.sim.fault({ type: 'no-answer', count: 5 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 5, { caseName: 'case05', count: 50 })));
        faultEnded();
      },
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.unknownUnanswered).toBe(5);
    expect(result.holds).toBe(true);
  });
});
