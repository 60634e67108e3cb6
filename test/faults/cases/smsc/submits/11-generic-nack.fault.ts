import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 11: the SMSC answers some submits with generic_nack: each message still ends in one clear
// final state, none is sent twice.

describe('fault case 11: generic_nack', () => {
  it('when submits are answered with generic_nack, then every message ends once', async () => {
    const result = await runCase({
      number: 11,
      name: 'generic_nack answers',
      env: { SMPP_THROUGHPUT: '100' },
      act: async ({ stack, sent, faultEnded }) => {
        stack.sim.fault({ type: 'generic-nack', count: 5 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 11, { caseName: 'case11', count: 40 })));
        faultEnded();
      },
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
