import { describe, expect, it } from 'vitest';
import { ROSTER_SIZE } from '#bind-service/dispatch/binds/task-roster.ts';
import {
  BindLimitsError,
  mconOf,
  minVisibilitySeconds,
  planSessions,
  slowestTaskThroughput,
  stopTimeoutSeconds,
  TASK_ROSTER_SIZE,
} from '../../../cdk/constructs/compute/bind-limits.ts';

describe('bind limits', () => {
  it.each([
    ['', undefined],
    ['ISO,SINGLE', undefined],
    ['MCON3', 3],
    ['iso, mcon2 ,SINGLE', 2],
  ])('when system_type is "%s", then the MCON count is %s', (systemType, expected) => {
    // Act
    const mcon = mconOf(systemType);
    // Assess
    expect(mcon).toBe(expected);
  });

  it('when the login has no MCON and binds once, then deployments still start the new task first: the slot lease keeps it to one session', () => {
    // Act
    const plan = planSessions({ systemType: '', binds: 1, desiredCount: 1 });
    // Assess
    expect(plan).toEqual({
      sessionsAllowed: 1,
      steadySessions: 1,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
  });

  it('when more tasks than binds run, then the login still holds only its binds (the others are standbys)', () => {
    // Act
    const plan = planSessions({ systemType: 'MCON3', binds: 3, desiredCount: 5 });
    // Assess
    expect(plan).toMatchObject({
      sessionsAllowed: 3,
      steadySessions: 3,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
    });
  });

  it.each([
    [{ systemType: '', binds: 2, desiredCount: 1 }, /2 binds, but the login allows 1 session/],
    [{ systemType: 'MCON2', binds: 3, desiredCount: 1 }, /3 binds, but the login allows 2 session/],
    [{ systemType: '', binds: 0, desiredCount: 1 }, /binds must be a positive integer/],
    [{ systemType: '', binds: 1, desiredCount: 1.5 }, /desired count must be a non-negative integer/],
    [{ systemType: 'MCON2,SINLGE', binds: 1, desiredCount: 1 }, /unknown flag "SINLGE"/],
    [{ systemType: 'MCON10', binds: 1, desiredCount: 1 }, /MCONn takes n from 1 to 9/],
    [
      { systemType: '', binds: 1, desiredCount: 17 },
      /desired count 17 runs up to 34 tasks .* task roster holds 32/,
    ],
  ])('when the plan is %o, then it is refused', (input, message) => {
    // Act
    const act = () => planSessions(input);
    // Assess
    expect(act).toThrow(BindLimitsError);
    expect(act).toThrow(message);
  });

  it('when a deploy runs exactly as many tasks as the task roster holds, then the plan is accepted', () => {
    // Act: 16 tasks × 200 % = 32 at once, every roster index taken.
    const plan = planSessions({ systemType: 'MCON3', binds: 3, desiredCount: 16 });
    // Assess
    expect(plan).toMatchObject({ steadySessions: 3, maxHealthyPercent: 200 });
  });

  it('when the synth checks the task count, then it counts the bind-service’s own roster size', () => {
    // Assess: cdk/ may not import the bind-service, so the limit is written twice.
    expect(TASK_ROSTER_SIZE).toBe(ROSTER_SIZE);
  });

  it.each([
    [20, 60],
    [30, 70],
    [80, 120],
  ])('when the drain is %i s, then the stop timeout is %i s', (drain, expected) => {
    // Act
    const timeout = stopTimeoutSeconds(drain);
    // Assess
    expect(timeout).toBe(expected);
    expect(timeout).toBeGreaterThan(drain);
  });

  it.each([0, -5])(
    'when the drain is %s s, then it is refused (the bind-service would refuse it at start)',
    (drain) => {
      // Act
      const act = () => stopTimeoutSeconds(drain);
      // Assess
      expect(act).toThrow(/drainSeconds must be above 0/);
    },
  );

  it('when the drain would need more than Fargate’s 120 s, then it is refused', () => {
    // Act
    const act = () => stopTimeoutSeconds(90);
    // Assess
    expect(act).toThrow(/Fargate allows 120 s/);
  });

  it('when the window takes longer to pass the rate limit, then a received message needs a longer visibility timeout', () => {
    // Act
    const provider = minVisibilitySeconds({ windowSize: 300, throughput: 30, responseTimeoutSeconds: 30 });
    const massMailing = minVisibilitySeconds({
      windowSize: 2000,
      throughput: 30,
      responseTimeoutSeconds: 30,
    });
    // Assess
    expect(provider).toBe(50);
    expect(massMailing).toBe(107);
  });

  it('when the service is parked at zero tasks, then the plan holds no sessions and is accepted', () => {
    // Act
    const plan = planSessions({ systemType: '', binds: 1, desiredCount: 0 });
    // Assess
    expect(plan.steadySessions).toBe(0);
  });

  it.each([
    [30, 1, 30],
    [30, 2, 15],
    [90, 3, 30],
  ])(
    'when the login sends %i msg/s over %i slot(s), then a task holding one slot sends %f',
    (rate, binds, expected) => {
      // Act
      const slowest = slowestTaskThroughput(rate, binds);
      // Assess
      expect(slowest).toBe(expected);
    },
  );
});
