import { afterEach, describe, expect, it } from 'vitest';
import { loadSweeperConfig } from '#lambdas/sweeper/config.ts';
import { createSweeper, type SweepLogLine } from '#lambdas/sweeper/run.ts';
import { sweeperEnv, sweepIntervalMs } from '#local/stack-config.ts';
import { type SweeperLoop, startSweeperLoop } from '#local/sweeper-loop.ts';
import { type AcceptedBody, jsonOf, useApiHarness } from '#test/helpers/api/api-harness.ts';
import { waitUntil } from '#test/helpers/wait.ts';

// `npm start`'s sweeper schedule: the loop the local stack runs, with the settings it reads, against
// DynamoDB Local and fauxqs.

describe('local sweeper loop (DynamoDB Local, fauxqs)', () => {
  const harness = useApiHarness();
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it('when the loop runs on a short interval, then an accepted record with no queue message is enqueued again and the loop stops cleanly', async () => {
    // Prepare: a record stored and enqueued, its queue message then lost
    const api = await harness.start();
    const { id } = await jsonOf<AcceptedBody>(
      await api.post('/v1/messages', { to: '+79991234567', text: 'Hi' }),
    );
    await harness.drain(api.queues.urgent);
    // One hour back is enough for a record a minute old, and keeps each run to 2 hours' queries
    // (the default 24 took 0.8-2 s a run, and 3 runs missed 10 s on a busy CI machine).
    const env = { SWEEP_INTERVAL_SECONDS: '0.1', SWEEP_AGE_SECONDS: '30', SWEEP_LOOKBACK_HOURS: '1' };
    const config = loadSweeperConfig(
      sweeperEnv({
        env,
        region: harness.aws.region,
        endpoints: { dynamodb: harness.aws.dynamoEndpoint, sqs: harness.aws.sqsEndpoint },
        tables: api.tables,
        queues: api.queues,
      }),
    );
    const logs: SweepLogLine[] = [];
    // Its clock a minute ahead, so the record is past the sweep age
    const sweeper = createSweeper(
      config,
      (line) => logs.push(line),
      () => new Date(Date.now() + 60_000),
    );
    cleanups.push(() => sweeper.destroy());
    // Act
    const loop: SweeperLoop = startSweeperLoop({
      sweeper,
      intervalMs: sweepIntervalMs(env),
      log: (line) => logs.push(line),
    });
    cleanups.push(() => loop.stop());
    const queued: Record<string, unknown>[] = [];
    await waitUntil(
      () => logs.some((line) => line.enqueued === 1),
      10_000,
      'a sweep that enqueues the record',
    );
    queued.push(...(await harness.drain(api.queues.urgent)));
    await waitUntil(() => loop.runs >= 3, 20_000, 'further runs');
    await loop.stop();
    const runsAtStop = loop.runs;
    // Assess
    expect(sweepIntervalMs(env)).toBe(100);
    expect(queued).toEqual([expect.objectContaining({ id })]);
    expect(logs.filter((line) => line.enqueued === 1)).toHaveLength(1);
    expect(logs.every((line) => line.level === 'info' && line.msg === 'sweep')).toBe(true);
    expect(loop.runs).toBe(runsAtStop);
  });

  it('when no interval is set, then npm start sweeps every 60 s; a bad value fails naming the variable', () => {
    // Act
    const defaultMs = sweepIntervalMs({});
    const bad = () => sweepIntervalMs({ SWEEP_INTERVAL_SECONDS: 'often' });
    // Assess
    expect(defaultMs).toBe(60_000);
    expect(bad).toThrow(/SWEEP_INTERVAL_SECONDS/);
  });
});
