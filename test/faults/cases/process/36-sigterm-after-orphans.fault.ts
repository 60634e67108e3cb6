import { describe, expect, it } from 'vitest';
import { ORPHANED_WINDOW, orphanAWindow } from '../../harness/orphans.ts';
import { runCase, waitForHealthy } from '../../harness/run-case.ts';

// Case 36: case 35 with a second task standing by and a graceful stop. The task holding the login's
// one bind parks the orphan receipts of its window (the SMSC kept them through a 90 s silent
// partition) and gets SIGTERM (a deployment, scale-in) before they are old enough to adopt; the
// task standing by takes the bind over. No task starts after the orphans were parked, so only a
// reconciler that was running all along can adopt them, and it never parked one itself: it learns
// of them from the login's orphan mark in the table (orphan-mark.ts). While the prompt lived in the
// memory of the task that parked the orphans, all 10 were still `unknown` when the case judged them;
// now they are adopted by the task that stood by.

/** Well before the messages' next looks, well after the stop plus the min age. */
const SETTLE_MS = 35_000;

describe('fault case 36: SIGTERM right after orphan receipts are parked, a second task standing by', () => {
  it('when the task that parked the orphans stops before it adopts them, then the task standing by adopts them', async () => {
    // Prepare
    let unmatched = 0;
    let adoptedByStandby = (): number => 0;
    // Act
    const result = await runCase({
      number: 36,
      name: 'SIGTERM right after orphan receipts are parked, a second task standing by',
      env: { SMPP_THROUGHPUT: '40', SMPP_WINDOW: String(ORPHANED_WINDOW), RECONCILE_MIN_AGE_SECONDS: '10' },
      // Case 9's lease: long enough for a renewal on a loaded machine.
      bindEnv: {
        SMPP_RESPONSE_TIMEOUT_SECONDS: '2',
        SMPP_ENQUIRE_LINK_SECONDS: '1',
        LEASE_TTL_SECONDS: '15',
        LEASE_RETRY_SECONDS: '2',
      },
      act: async ({ stack, sent, faultEnded }) => {
        const standby = await stack.secondBindService();
        standby.bind.start();
        adoptedByStandby = () => standby.bind.logged('unknown message matched to its orphan receipt').length;
        unmatched = await orphanAWindow(stack, sent, 36);
        const exit = await stack.bind.kill('SIGTERM');
        expect(exit).toEqual({ code: 0, signal: null });
        await waitForHealthy({ ...stack, healthUrl: standby.healthUrl }, 60_000);
        faultEnded();
      },
      settleMs: SETTLE_MS,
    });
    // Assess
    expect(unmatched).toBeGreaterThan(0);
    expect(adoptedByStandby()).toBe(unmatched);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  }, 300_000);
});
