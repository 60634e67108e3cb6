import { describe, expect, it } from 'vitest';
import { emptyStats } from '#bind-service/dispatch/flow/stats.ts';
import { accountHealth, type HealthSources, serviceHealth } from '#bind-service/health/health-report.ts';

/** An account with no session of its own: every slot of its login is another task's. */
function standbyAccount(name: string, unreached: () => string | undefined): HealthSources {
  return {
    name,
    clients: () => [],
    watchOf: () => undefined,
    slots: () => ({ held: 0, binds: 1, standby: true }),
    firstHost: 'smpp.example.test',
    lanes: { lagMs: () => ({ urgent: 0, bulk: 0 }) },
    pipeline: () => undefined,
    rate: { currentRate: 0 },
    stats: emptyStats(),
    unreached,
  };
}

describe('health report of a standby', () => {
  it('when the standby has not reached the SMSC, then it is unavailable and says which host failed how; once reached, it is a standby', () => {
    // Prepare
    let problem: string | undefined =
      'the SMSC cannot be reached from this task: smpp.example.test:3443: connect ECONNREFUSED';
    const report = serviceHealth([accountHealth(standbyAccount('default', () => problem))]);
    // Act
    const before = report();
    problem = undefined;
    const after = report();
    // Assess: before, a standby was healthy (200) without ever having reached the SMSC.
    expect({
      status: before.status,
      account: before.accounts[0]?.status,
      problem: before.accounts[0]?.problem,
    }).toEqual({
      status: 'unavailable',
      account: 'unavailable',
      problem: 'the SMSC cannot be reached from this task: smpp.example.test:3443: connect ECONNREFUSED',
    });
    expect({ status: after.status, account: after.accounts[0]?.status }).toEqual({
      status: 'standby',
      account: 'standby',
    });
    expect(after.accounts[0]).not.toHaveProperty('problem');
  });

  it('when one account’s SMSC was reached and another’s was not, then the task is unavailable', () => {
    // Prepare
    const report = serviceHealth([
      accountHealth(standbyAccount('a', () => undefined)),
      accountHealth(
        standbyAccount('b', () => 'the SMSC has not been reached from this task yet (b.test:3700)'),
      ),
    ]);
    // Act
    const health = report();
    // Assess: each login's own hosts must be reached before the task counts as a healthy standby.
    expect({ status: health.status, accounts: health.accounts.map((account) => account.status) }).toEqual({
      status: 'unavailable',
      accounts: ['standby', 'unavailable'],
    });
  });

  it('when another task holds every slot of login b, then b reports no rate and the task’s rate is a’s alone', () => {
    // Prepare: b's limiter keeps its last share (10 msg/s) for when a slot comes back.
    const a: HealthSources = {
      ...standbyAccount('a', () => undefined),
      slots: () => ({ held: 1, binds: 1, standby: false }),
      rate: { currentRate: 30 },
    };
    const b: HealthSources = { ...standbyAccount('b', () => undefined), rate: { currentRate: 10 } };
    const report = serviceHealth([accountHealth(a), accountHealth(b)]);
    // Act
    const health = report();
    // Assess: before, b showed 10 and the task 40 msg/s, while it could send 30.
    expect({ b: health.accounts[1]?.rate, task: health.rate }).toEqual({ b: 0, task: 30 });
  });
});
