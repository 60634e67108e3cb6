import { describe, expect, it } from 'vitest';
import { ORPHANED_WINDOW, orphanAWindow } from '../../harness/orphans.ts';
import { runCase, waitForHealthy } from '../../harness/run-case.ts';

// Case 35: the task that parks the orphan receipts dies before its reconciler adopts them. The SMPP
// link goes silent with a window the SMSC has taken (case 31) for long enough that the reconciler
// has looked at the `unknown` messages and, finding no orphan, put each off by as long again as its
// age. When the link heals, the receipts the SMSC kept come with ids nobody knows and are parked as
// orphans; the task is SIGKILLed before they are old enough to adopt (RECONCILE_MIN_AGE_SECONDS).
// The task that starts after it must still find them soon, not when each message's next look comes
// (put off by as long again as its age at its last look; they are two minutes old at the heal): it
// learns of them from the login's orphan mark in the table (orphan-mark.ts). While the prompt lived
// in the memory of the task that parked the orphans, all 10 were still `unknown` when the case
// judged them, 37 s after the restart; now they are adopted 11 s after it (the min age, then a
// run).

const MIN_AGE_SECONDS = 10;
/** Well before the messages' next looks, well after the restart plus the min age. */
const SETTLE_MS = 35_000;

describe('fault case 35: SIGKILL right after orphan receipts are parked', () => {
  it('when the task that parked the orphans dies before it adopts them, then the next task adopts them within its first runs', async () => {
    // Prepare
    let unmatched = 0;
    // Act
    const result = await runCase({
      number: 35,
      name: 'SIGKILL right after orphan receipts are parked',
      env: {
        SMPP_THROUGHPUT: '40',
        SMPP_WINDOW: String(ORPHANED_WINDOW),
        RECONCILE_MIN_AGE_SECONDS: String(MIN_AGE_SECONDS),
        // The dead task's slot is free soon, so the next task's bind comes within the settle time.
        LEASE_TTL_SECONDS: '6',
        LEASE_RETRY_SECONDS: '1',
      },
      bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '2', SMPP_ENQUIRE_LINK_SECONDS: '1' },
      act: async ({ stack, sent, faultEnded }) => {
        // Nothing is left to send after the heal, so no orphan the next task parks itself prompts
        // its reconciler (that would hide what this case looks for).
        unmatched = await orphanAWindow(stack, sent, 35);
        await stack.bind.kill('SIGKILL');
        stack.bind.start();
        await waitForHealthy(stack, 60_000);
        faultEnded();
      },
      settleMs: SETTLE_MS,
    });
    // Assess
    expect(unmatched).toBeGreaterThan(0);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  }, 300_000);
});
