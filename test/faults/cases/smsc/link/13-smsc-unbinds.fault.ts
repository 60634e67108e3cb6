import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 13: the SMSC sends unbind mid-window and answers nothing more on that session: the engine
// rebinds; what was in the window is resolved, the rest is sent once.

describe('fault case 13: the SMSC unbinds mid-window', () => {
  it('when the SMSC unbinds with submits in flight, then nothing is lost or sent twice', async () => {
    const result = await runCase({
      number: 13,
      name: 'SMSC unbinds mid-window',
      env: { SMPP_THROUGHPUT: '100', SMPP_WINDOW: '20' },
      bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '3' },
      act: async ({ stack, sent, faultEnded }) => {
        stack.sim.fault({ type: 'unbind-after', submits: 25 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 13, { caseName: 'case13', count: 80 })));
        faultEnded();
      },
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
