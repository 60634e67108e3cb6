import { describe, expect, it } from 'vitest';
import { runCase } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 4: the SMSC's side of the connection goes away mid-window (the link is reset): the bind
// reconnects, answered submits keep their ids, unanswered ones become `unknown` and are resolved.

describe('fault case 4: the SMSC closes the socket mid-window', () => {
  it('when the SMPP link is reset with submits in flight, then nothing is lost or sent twice', async () => {
    const result = await runCase({
      number: 4,
      name: 'SMSC closes the socket mid-window',
      env: { SMPP_THROUGHPUT: '100', SMPP_WINDOW: '20' },
      act: async ({ stack, sent, faultEnded }) => {
        stack.sim.fault({ type: 'slow', delayMs: 500, count: 30 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 4, { caseName: 'case04', count: 100 })));
        await stack.sim.waitFor(() => stack.sim.stats.submits >= 15, 20_000);
        stack.proxies.smpp.resetAll();
        faultEnded();
      },
    });
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
