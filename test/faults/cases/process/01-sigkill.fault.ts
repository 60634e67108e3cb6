import { describe, expect, it } from 'vitest';
import { runCase, waitForHealthy } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 1: the task dies (SIGKILL) with a full window: the submits in flight become `unknown` and are
// then resolved by their receipt or QUERY_SM; what was never sent is sent once after the restart.

describe('fault case 1: SIGKILL with a full window', () => {
  it('when the bind-service is killed with submits in flight, then nothing is lost or sent twice', async () => {
    // Act
    const result = await runCase({
      number: 1,
      name: 'SIGKILL with a full window',
      env: { SMPP_THROUGHPUT: '200', SMPP_WINDOW: '20' },
      // The new task binds once the dead one's lease expires; the dead one's messages come back soon.
      bindEnv: { LEASE_TTL_SECONDS: '6' },
      queueVisibilitySeconds: 10,
      act: async ({ stack, sent, faultEnded }) => {
        // Answers take 1.5 s: the window of 20 is full when the kill comes.
        stack.sim.fault({ type: 'slow', delayMs: 1_500, count: 40 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 1, { caseName: 'case01', count: 100 })));
        await stack.sim.waitFor(() => stack.sim.stats.submits >= 20, 20_000);
        await stack.bind.kill('SIGKILL');
        stack.sim.clearFaults();
        stack.bind.start();
        await waitForHealthy(stack);
        faultEnded();
      },
    });
    // Assess
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
