import { describe, expect, it } from 'vitest';
import {
  BindLimitsError,
  mconOf,
  minVisibilitySeconds,
  planSessions,
  stopTimeoutSeconds,
  throughputPerTask,
} from '../../cdk/constructs/compute/bind-limits.ts';

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

  it('when the login has no MCON and one task binds once, then deployments stop before they start', () => {
    // Act
    const plan = planSessions({ systemType: '', bindsPerTask: 1, desiredCount: 1 });
    // Assess
    expect(plan).toEqual({
      sessionsAllowed: 1,
      steadySessions: 1,
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      strategy: 'stop-before-start',
    });
  });

  it('when MCON leaves room for a second set of sessions, then deployments start before they stop', () => {
    // Act
    const plan = planSessions({ systemType: 'MCON4', bindsPerTask: 2, desiredCount: 1 });
    // Assess
    expect(plan).toMatchObject({
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      strategy: 'start-before-stop',
    });
  });

  it('when MCON fits the steady sessions but not twice, then deployments stop before they start', () => {
    // Act
    const plan = planSessions({ systemType: 'MCON3', bindsPerTask: 2, desiredCount: 1 });
    // Assess
    expect(plan).toMatchObject({ steadySessions: 2, strategy: 'stop-before-start', maxHealthyPercent: 100 });
  });

  it.each([
    [{ systemType: '', bindsPerTask: 2, desiredCount: 1 }, /2 sessions, but the login allows 1/],
    [{ systemType: 'MCON2', bindsPerTask: 1, desiredCount: 3 }, /3 sessions, but the login allows 2/],
    [{ systemType: '', bindsPerTask: 0, desiredCount: 1 }, /binds per task must be a positive integer/],
    [{ systemType: '', bindsPerTask: 1, desiredCount: 1.5 }, /desired count must be a non-negative integer/],
    [{ systemType: 'MCON2,SINLGE', bindsPerTask: 1, desiredCount: 1 }, /unknown flag "SINLGE"/],
    [{ systemType: 'MCON10', bindsPerTask: 1, desiredCount: 1 }, /MCONn takes n from 1 to 9/],
  ])('when the plan is %o, then it is refused', (input, message) => {
    // Act
    const act = () => planSessions(input);
    // Assess
    expect(act).toThrow(BindLimitsError);
    expect(act).toThrow(message);
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
    const plan = planSessions({ systemType: '', bindsPerTask: 1, desiredCount: 0 });
    // Assess
    expect(plan.steadySessions).toBe(0);
  });

  it.each([
    [30, 1, 30],
    [30, 2, 15],
    [100, 3, 33.33],
  ])('when the account rate is %i msg/s over %i task(s), then each task gets %f', (rate, tasks, expected) => {
    // Act
    const perTask = throughputPerTask(rate, tasks);
    // Assess
    expect(perTask).toBe(expected);
    expect(perTask * tasks).toBeLessThanOrEqual(rate);
  });
});
