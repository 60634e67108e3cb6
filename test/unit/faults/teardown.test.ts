import { describe, expect, it } from 'vitest';
import { quietPeriodMs } from '#test/faults/harness/quiet-period.ts';
import { Teardown } from '#test/faults/harness/teardown.ts';

describe('the fault stack: teardown', () => {
  it('when a step fails while stopping, then every other step still runs, newest first, and the failure is thrown after', async () => {
    // Prepare
    const stopped: string[] = [];
    const teardown = new Teardown();
    teardown.add('local stack', () => {
      stopped.push('local stack');
    });
    teardown.add('fault proxies', () => {
      throw new Error('proxy would not close');
    });
    teardown.add('bind-service processes', async () => {
      stopped.push('bind-service processes');
    });
    // Act
    const run = teardown.run();
    // Assess
    await expect(run).rejects.toThrow('stopping fault proxies failed: Error: proxy would not close');
    expect(stopped).toEqual(['bind-service processes', 'local stack']);
  });

  it('when two steps fail, then both are named and each step ran once', async () => {
    // Prepare
    let runs = 0;
    const teardown = new Teardown();
    teardown.add('a', () => {
      runs++;
      throw new Error('a broke');
    });
    teardown.add('b', () => Promise.reject(new Error('b broke')));
    // Act
    const first = await teardown.run().catch((error: unknown) => error);
    await teardown.run();
    // Assess
    expect(first).toBeInstanceOf(AggregateError);
    expect(String((first as Error).message)).toMatch(/stopping b failed.*stopping a failed/);
    expect(runs).toBe(1);
  });
});

describe('the fault harness: quiet period before a case is judged', () => {
  it('when a case shortens the queues’ visibility, then the quiet period outlasts it by a second', () => {
    // Assess: a copy not deleted comes back after the visibility timeout and must be seen.
    expect(quietPeriodMs({ urgent: 3, bulk: 3 })).toBe(4_000);
    expect(quietPeriodMs({ urgent: 10, bulk: 10 })).toBe(11_000);
    expect(quietPeriodMs({ urgent: 20, bulk: 20 })).toBe(21_000);
    expect(quietPeriodMs({ urgent: 1, bulk: 1 })).toBe(3_000);
  });

  it('when the queues keep their default visibility (60 s, 300 s), then the empty queues guard and 3 s suffice', () => {
    // Assess
    expect(quietPeriodMs({ urgent: 60, bulk: 300 })).toBe(3_000);
  });
});
