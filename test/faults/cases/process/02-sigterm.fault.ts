import { describe, expect, it } from 'vitest';
import { runCase } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 2: ECS stops the task (SIGTERM) while a backlog drains: the service stops taking work, drains
// its window, unbinds and exits 0 within the stop timeout; what it had claimed but not sent goes back
// to the queue, and a new task sends it once.

describe('fault case 2: SIGTERM while draining a backlog', () => {
  it('when the bind-service gets SIGTERM mid-backlog, then it exits 0 in time and every message ends once', {
    timeout: 240_000,
  }, async () => {
    // Prepare
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let stopMs = 0;
    // Act
    const result = await runCase({
      number: 2,
      name: 'SIGTERM while draining a backlog',
      env: { SMPP_THROUGHPUT: '50' },
      act: async ({ stack, sent, faultEnded }) => {
        sent.push(...(await sendMessages(stack.local.apiUrl, 2, { caseName: 'case02', count: 150 })));
        await stack.sim.waitFor(() => stack.sim.messages.length >= 30, 20_000);
        const stopping = Date.now();
        exit = await stack.bind.kill('SIGTERM');
        stopMs = Date.now() - stopping;
        stack.bind.start();
        faultEnded();
      },
    });
    // Assess
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stopMs).toBeLessThan(10_000);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.report.states.delivered).toBe(150);
    expect(result.holds).toBe(true);
  });
});
