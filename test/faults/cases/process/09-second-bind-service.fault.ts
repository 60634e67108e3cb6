import { describe, expect, it } from 'vitest';
import { elapse } from '#test/helpers/wait.ts';
import { runCase, waitForHealthy } from '../../harness/run-case.ts';
import { sendMessages } from '../../harness/traffic.ts';

// Case 9: a second bind-service starts with the same login and no MCON (one session allowed, binds
// 1: one slot in the whole deployment). The roster assigns the slot to the first task and the slot's
// lease keeps the second from binding, so the SMSC never kicks one bind for the other (no kick war);
// the second stands by (healthy, `standby`). When the first is killed, the second takes the bind
// within the lease's time and sends the rest.

// Long enough that a renewal survives DynamoDB Local on a loaded 2-core machine.
const LEASE_TTL_SECONDS = 15;
const LEASE_RETRY_SECONDS = 2;

describe('fault case 9: a second bind-service with the same login', () => {
  it('when a second service starts, then only one binds; when the first dies, the second takes over in time', async () => {
    // Prepare
    let sessionsWithBoth = -1;
    let kicksWithBoth = -1;
    let secondStatusWithBoth = 0;
    let secondHealthWithBoth: unknown;
    let takeoverMs = Number.POSITIVE_INFINITY;
    // Act
    const result = await runCase({
      number: 9,
      name: 'second bind-service with the same login (no MCON)',
      env: { SMPP_THROUGHPUT: '100' },
      bindEnv: {
        LEASE_TTL_SECONDS: String(LEASE_TTL_SECONDS),
        LEASE_RETRY_SECONDS: String(LEASE_RETRY_SECONDS),
      },
      queueVisibilitySeconds: 8,
      act: async ({ stack, sent, faultEnded }) => {
        const second = await stack.secondBindService();
        second.bind.start();
        sent.push(...(await sendMessages(stack.local.apiUrl, 9, { caseName: 'case09', count: 40 })));
        // Several lease retries of the second service: it must keep waiting, not bind.
        await elapse(4 * LEASE_RETRY_SECONDS * 1000);
        sessionsWithBoth = stack.sim.boundSessions(stack.local.smpp.systemId).length;
        kicksWithBoth = stack.sim.stats.kicked;
        const secondHealth = await fetch(second.healthUrl).catch(() => undefined);
        secondStatusWithBoth = secondHealth?.status ?? 0;
        secondHealthWithBoth = await secondHealth?.json();
        await stack.sim
          .waitFor(() => stack.sim.messages.length >= 40, 30_000)
          .catch((error: unknown) => {
            process.stderr.write(`second bind-service log:\n${second.bind.lines.slice(-30).join('\n')}\n`);
            throw error;
          });
        await stack.bind.kill('SIGKILL');
        const killedAt = Date.now();
        await waitForHealthy({ ...stack, healthUrl: second.healthUrl }, 30_000);
        takeoverMs = Date.now() - killedAt;
        sent.push(
          ...(await sendMessages(stack.local.apiUrl, 9, { caseName: 'case09', count: 40, from: 40 })),
        );
        faultEnded();
      },
    });
    // Assess
    expect(sessionsWithBoth).toBe(1);
    expect(kicksWithBoth).toBe(0);
    expect(secondStatusWithBoth).toBe(200);
    expect(secondHealthWithBoth).toMatchObject({ status: 'standby', slots: { held: 0, binds: 1 } });
    expect(takeoverMs).toBeLessThan((LEASE_TTL_SECONDS + 2 * LEASE_RETRY_SECONDS) * 1000 + 3_000);
    expect(result.report).toMatchObject({ lost: [], duplicates: [], unrecorded: [], regressions: [] });
    expect(result.holds).toBe(true);
  });
});
