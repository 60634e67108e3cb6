import { describe, expect, it } from 'vitest';
import { stopTimeoutSeconds } from '../../../../cdk/constructs/compute/bind-limits.ts';
import { runCase, waitForHealthy } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 34: ECS stops the task (SIGTERM, a deployment) while the network to one of its peers is
// silent (case 31's partition), the SMSC or DynamoDB, with the defaults' drain and lease ttl and an
// SMSC that answers submits after 15 s. Nothing the stop waits for answers: the window's answers,
// the unbind_resp, or the writes that record outcomes, receipts and late answers and release the
// leases. The task must still exit 0 before ECS's stop timeout would SIGKILL it (it took 105-110 s
// of a 60 s timeout with DynamoDB silent, before its stop had a deadline of its own), and once the
// partition heals a new task ends every message once: the receipts the SMSC kept through it come
// late, as orphans of messages whose answers were lost, and find them (before the reconciler was
// told of an orphan, 9-10 such messages were still `unknown` two minutes later).

const DRAIN_SECONDS = 20;
const ANSWER_DELAY_MS = 15_000;
/** What ECS waits after SIGTERM for this drain (cdk/constructs/compute/bind-limits.ts). */
const STOP_TIMEOUT_MS = stopTimeoutSeconds(DRAIN_SECONDS) * 1_000;
const PARTITIONED = ['smpp', 'dynamodb'] as const;

describe('fault case 34: SIGTERM during a silent network partition', () => {
  it.each(PARTITIONED)(
    'when the link to %s is silent and the task gets SIGTERM, then it exits 0 before the stop timeout and every message ends once',
    async (peer) => {
      // Prepare
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let stopMs = 0;
      // Act
      const result = await runCase({
        number: 34,
        variant: peer,
        name: 'SIGTERM during a silent partition',
        env: { SMPP_THROUGHPUT: '40', SMPP_WINDOW: '10', DRAIN_SECONDS: String(DRAIN_SECONDS) },
        bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '2', SMPP_ENQUIRE_LINK_SECONDS: '1' },
        simulator: { receiptDelayMs: 300, receiptRetryMs: 500 },
        queueVisibilitySeconds: 15,
        act: async ({ stack, sent, faultEnded }) => {
          stack.sim.fault({ type: 'slow', delayMs: ANSWER_DELAY_MS, count: 1_000 });
          sent.push(
            ...(await sendMessages(stack.local.apiUrl, 34, { caseName: `case34-${peer}`, count: 100 })),
          );
          await stack.sim.waitFor(() => stack.sim.stats.submits >= 30, 30_000);
          const proxy = stack.proxies[peer];
          proxy.setMode('partition');
          const stopping = Date.now();
          exit = await stack.bind.kill('SIGTERM');
          stopMs = Date.now() - stopping;
          proxy.setMode('pass');
          stack.sim.clearFaults();
          stack.bind.start();
          await waitForHealthy(stack, 60_000);
          faultEnded();
        },
        settleMs: 120_000,
      });
      // Assess
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stopMs).toBeLessThan(STOP_TIMEOUT_MS);
      expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
      expect(result.holds).toBe(true);
    },
    300_000,
  );
});
