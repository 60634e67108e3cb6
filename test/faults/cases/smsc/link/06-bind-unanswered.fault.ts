import { describe, expect, it } from 'vitest';
import { elapse } from '#test/helpers/wait.ts';
import { runCase, waitForHealthy } from '../../../harness/run-case.ts';
import { sendMessages } from '../../../harness/traffic.ts';

// Case 6: TCP connects but the bind gets no answer (the SMPP link is a black hole: the connection is
// accepted, nothing comes back). The service must not take work it cannot send, must give up on the
// silent bind after its response timeout, and bind for real once the link carries bytes again.

describe('fault case 6: the bind gets no answer', () => {
  it('when binds go unanswered for 8 s, then nothing is taken meanwhile and everything is sent once after', async () => {
    // Prepare
    let healthDuringFault = 0;
    let submitsDuringFault = -1;
    // Act
    const result = await runCase({
      number: 6,
      name: 'TCP connects, the bind gets no answer',
      env: { SMPP_THROUGHPUT: '100' },
      bindEnv: { SMPP_RESPONSE_TIMEOUT_SECONDS: '2' },
      startBindService: false,
      act: async ({ stack, sent, faultEnded }) => {
        stack.proxies.smpp.setMode('blackhole');
        stack.bind.start();
        sent.push(...(await sendMessages(stack.local.apiUrl, 6, { caseName: 'case06', count: 30 })));
        // Nothing to wait for: the point is that nothing happens for 8 s.
        await elapse(8_000);
        const response = await fetch(stack.healthUrl).catch(() => undefined);
        if (!response) throw new Error(`no /healthz during the fault:\n${stack.bind.lines.join('\n')}`);
        healthDuringFault = response.status;
        submitsDuringFault = stack.sim.stats.submits;
        stack.proxies.smpp.setMode('pass');
        await waitForHealthy(stack, 30_000);
        faultEnded();
      },
    });
    // Assess
    expect(healthDuringFault).toBe(503);
    expect(submitsDuringFault).toBe(0);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states.delivered).toBe(30);
    expect(result.holds).toBe(true);
  });
});
