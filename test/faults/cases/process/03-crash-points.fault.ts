import { describe, expect, it } from 'vitest';
import { CRASH_POINTS } from '#bind-service/crash-points.ts';
import { within } from '#test/helpers/wait.ts';
import { runCase, waitForHealthy } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 3: the bind-service dies (SIGKILL to itself, FAULT_CRASH_AT) at each step between taking a
// message and forgetting it: after the claim, with a SUBMIT_SM on the wire, with its answer in but
// not written, after the write but before the SQS delete, and with a receipt stored but not
// acknowledged. A new process (without the switch) takes over; every message ends once.

describe('fault case 3: crash points', () => {
  it.each(CRASH_POINTS)(
    'when the bind-service dies %s, then after a restart nothing is lost or sent twice',
    async (point) => {
      // Prepare
      let crash: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      // Act
      const result = await runCase({
        number: 3,
        variant: point,
        name: 'crash point',
        env: { SMPP_THROUGHPUT: '100', SMPP_WINDOW: '10' },
        // The new process binds once the dead one's lease expires; the dead one's messages come back soon.
        bindEnv: { LEASE_TTL_SECONDS: '10' },
        queueVisibilitySeconds: 8,
        startBindService: false,
        act: async ({ stack, sent, faultEnded }) => {
          stack.bind.start({ FAULT_CRASH_AT: point });
          await waitForHealthy(stack);
          sent.push(
            ...(await sendMessages(stack.local.apiUrl, 3, { caseName: `case03-${point}`, count: 40 })),
          );
          crash = await within(stack.bind.whenExited(), 30_000, `the crash ${point}`);
          stack.bind.start();
          await waitForHealthy(stack);
          faultEnded();
        },
      });
      // Assess
      expect(crash).toEqual({ code: null, signal: 'SIGKILL' });
      expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
      expect(result.holds).toBe(true);
    },
  );
});
