import { describe, expect, it } from 'vitest';
import type { SessionEvents } from '#bind-service/smpp/index.ts';
import { elapse } from '#test/helpers/wait.ts';
import { ACCOUNT, engineFor, recordEvents, sms, startBound, startSimulator, useCleanup } from './fixtures.ts';

/** Timers and sockets alive in this process, by kind, read on a fresh loop turn: a timer whose
 * callback is still unwinding (the wait's own) would otherwise be counted. */
async function liveHandles(): Promise<Record<string, number>> {
  await new Promise((resolve) => setImmediate(resolve));
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind.startsWith('TCP')) counts[kind] = (counts[kind] ?? 0) + 1;
  }
  return counts;
}

/** Closed handles leave the list on a later loop turn; a leaked timer or socket never does. */
async function handlesBackTo(
  before: Record<string, number>,
  timeoutMs: number,
): Promise<Record<string, number>> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const now = await liveHandles();
    const extra = Object.keys(now).some((kind) => (now[kind] ?? 0) > (before[kind] ?? 0));
    if (!extra || performance.now() > deadline) return now;
    await elapse(20);
  }
}

describe('engine stop', () => {
  const defer = useCleanup();

  it('when stopped with submits in flight, then they drain, the engine unbinds and leaves no handle behind', async () => {
    // Prepare
    // The runner's own short-lived timers (e.g. its RPC with the main process) settle first.
    const before = await handlesBackTo({}, 300);
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 150, count: 5 });
    const client = engineFor(defer, simulator.port, { enquireLinkIntervalMs: 50 });
    const events = recordEvents(client, ['disconnected', 'stopped']);
    await startBound(client);
    const closed = new Promise<string>((resolve) =>
      simulator.once('session-closed', (event) => resolve(event.reason)),
    );
    const inFlight = Array.from({ length: 5 }, (_, i) => client.submit(sms(i)));
    // Act
    await client.stop({ drainTimeoutMs: 2_000 });
    const outcomes = await Promise.all(inFlight);
    const afterStop = await client.submit(sms(9));
    await simulator.close();
    // Assess
    expect(outcomes.map((o) => o.kind)).toEqual(Array(5).fill('accepted'));
    expect(afterStop).toEqual({ kind: 'not-sent', reason: 'stopping' });
    expect(await closed).toBe('client unbind');
    expect(events.map((e) => [e.name, (e.event as SessionEvents['stopped']).reason])).toEqual([
      ['disconnected', 'stopping'],
      ['stopped', 'requested'],
    ]);
    expect(client.state).toBe('stopped');
    expect(await handlesBackTo(before, 1_000)).toEqual(before);
  });

  it('when in-flight answers outlast the drain timeout, then they resolve unknown and stop still finishes', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'no-answer', count: 3 });
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const inFlight = Array.from({ length: 3 }, (_, i) => client.submit(sms(i)));
    const started = performance.now();
    // Act
    await client.stop({ drainTimeoutMs: 100 });
    const outcomes = await Promise.all(inFlight);
    // Assess
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcomes).toEqual(Array(3).fill({ kind: 'unknown', reason: 'connection-lost' }));
    expect(simulator.boundSessions(ACCOUNT.systemId)).toEqual([]);
  });

  it('when callers wait for a full window and stop begins, then they get not-sent and nothing goes on the wire', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 100, count: 1 });
    const client = engineFor(defer, simulator.port, { windowSize: 1 });
    await startBound(client);
    const sent = client.submit(sms(1));
    const queued = client.submit(sms(2));
    // Act
    const stopping = client.stop({ drainTimeoutMs: 1_000 });
    const [first, second] = await Promise.all([sent, queued, stopping]);
    // Assess
    expect(first?.kind).toBe('accepted');
    expect(second).toEqual({ kind: 'not-sent', reason: 'stopping' });
    expect(simulator.stats.submits).toBe(1);
  });

  it('when stopped while still connecting, then no reconnect follows', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.refuseBinds(0x0d);
    const client = engineFor(defer, simulator.port);
    const events = recordEvents(client, ['connecting', 'stopped']);
    const started = client.start();
    await simulator.waitFor(() => simulator.stats.bindFailures >= 1, 2_000);
    // Act
    await client.stop();
    // Assess
    await expect(started).rejects.toMatchObject({ code: 'SMPP_NOT_BOUND' });
    const attempts = events.filter((e) => e.name === 'connecting').length;
    simulator.refuseBinds(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events.filter((e) => e.name === 'connecting')).toHaveLength(attempts);
    expect(client.state).toBe('stopped');
  });
});
