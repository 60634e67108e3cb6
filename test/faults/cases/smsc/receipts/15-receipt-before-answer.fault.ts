import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 15: the receipt arrives before its SUBMIT_SM_RESP (the SMSC answers the submit late but
// reports delivery at once), so the receipt names an SMSC id the table does not know yet. It must be
// kept and applied once the answer is stored: every message ends `delivered`, none is lost.

const ANSWER_DELAY_MS = 800;

describe('fault case 15: receipt before its SUBMIT_SM_RESP is stored', () => {
  it('when receipts overtake their submit answers, then every message still ends delivered', async () => {
    // Act
    const result = await runCase({
      number: 15,
      name: 'receipt before its SUBMIT_SM_RESP is stored',
      env: { SMPP_THROUGHPUT: '100' },
      // A receipt's delay counts from the (late) answer; minus the answer's delay, it leaves at once.
      simulator: { outcomeRules: [{ match: /^case15 /, stat: 'DELIVRD', delayMs: -ANSWER_DELAY_MS }] },
      act: async ({ stack, sent, faultEnded }) => {
        stack.sim.fault({ type: 'slow', delayMs: ANSWER_DELAY_MS, count: 20 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 15, { caseName: 'case15', count: 30 })));
        faultEnded();
      },
    });
    // Assess
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states).toEqual({ delivered: 30 });
    expect(result.holds).toBe(true);
  });
});
