import { describe, expect, it } from 'vitest';
import { runCase, waitForHealthy } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 31: the network between the bind-service and the SMSC goes silent mid-drain and heals 8 s
// later (a route lost, a NAT entry dropped): no FIN or RST crosses, so neither side learns the link
// is gone from the socket. The SMSC has taken the submits in the window and answers them into the
// void, its receipts with them. The engine must find out by its own timers (enquire_link, response
// timeout), rebind once the route is back, and every message end once: the window's by the receipts
// the SMSC sends again on the new bind, the rest sent after.

/** Answers held back this long, so the window is full of submits the SMSC has taken. */
const ANSWER_DELAY_MS = 500;
const PARTITION_MS = 8_000;

describe('fault case 31: a silent network partition mid-drain', () => {
  it('when the SMPP link goes silent for 8 s with submits in flight, then nothing is lost or sent twice', async () => {
    // Prepare
    let bindsBefore = 0;
    let bindsAfter = 0;
    // Act
    const result = await runCase({
      number: 31,
      name: 'silent network partition mid-drain (8 s)',
      env: { SMPP_THROUGHPUT: '40', SMPP_WINDOW: '10' },
      bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '2', SMPP_ENQUIRE_LINK_SECONDS: '1' },
      act: async ({ stack, sent, faultEnded }) => {
        stack.sim.fault({ type: 'slow', delayMs: ANSWER_DELAY_MS, count: 1_000 });
        sent.push(...(await sendMessages(stack.local.apiUrl, 31, { caseName: 'case31', count: 100 })));
        await stack.sim.waitFor(() => stack.sim.stats.submits >= 30, 30_000);
        bindsBefore = stack.sim.stats.binds;
        await stack.proxies.smpp.partitionFor(PARTITION_MS);
        stack.sim.clearFaults();
        await waitForHealthy(stack, 60_000);
        faultEnded();
      },
      afterSettle: async (stack) => {
        bindsAfter = stack.sim.stats.binds;
      },
    });
    // Assess
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    const throughUnknown = [...result.records.values()].filter((record) =>
      record.history.some((change) => change.status === 'unknown'),
    );
    // The partition caught submits the SMSC had taken: their answers never came, and their receipts
    // on the new bind resolved them.
    expect(throughUnknown.length).toBeGreaterThan(0);
    expect(bindsAfter).toBeGreaterThan(bindsBefore);
    expect(result.holds).toBe(true);
  });
});
