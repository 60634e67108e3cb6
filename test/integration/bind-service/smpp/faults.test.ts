import { describe, expect, it } from 'vitest';
import { ACCOUNT, engineFor, nextEvent, sms, startBound, startSimulator, useCleanup } from './fixtures.ts';

describe('engine facing server faults', () => {
  const defer = useCleanup();

  it('when a submit gets no answer, then it resolves unknown after the timeout and the bind keeps working', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'no-answer', count: 1 });
    const client = engineFor(defer, simulator.port, { responseTimeoutMs: 300 });
    await startBound(client);
    const started = performance.now();
    // Act
    const lost = await client.submit(sms(1));
    const waited = performance.now() - started;
    const next = await client.submit(sms(2));
    // Assess
    expect(lost).toEqual({ kind: 'unknown', reason: 'timeout' });
    expect(waited).toBeGreaterThanOrEqual(295);
    expect(waited).toBeLessThan(1_000);
    expect(next.kind).toBe('accepted');
    expect(client.inFlight).toBe(0);
    expect(simulator.stats.binds).toBe(1);
  });

  it('when the server answers generic_nack with a status, then the submit is rejected with that status', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'generic-nack', commandStatus: 0x08, count: 1 });
    simulator.fault({ type: 'generic-nack', commandStatus: 0, count: 1 });
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    // Act
    const nacked = await client.submit(sms(1));
    const nackedWithoutStatus = await client.submit(sms(2));
    const next = await client.submit(sms(3));
    // Assess
    expect(nacked).toEqual({ kind: 'rejected', commandStatus: 0x08, name: 'ESME_RSYSERR' });
    expect(nackedWithoutStatus).toEqual({ kind: 'unknown', reason: 'generic-nack' });
    expect(next.kind).toBe('accepted');
  });

  it('when the server unbinds mid-window, then in-flight submits become unknown and the engine rebinds', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 2_000, count: 10 });
    simulator.fault({ type: 'unbind-after', submits: 5 });
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const disconnected = nextEvent(client, 'disconnected');
    const rebound = nextEvent(client, 'bound');
    // Act
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => client.submit(sms(i))));
    const event = await disconnected;
    await rebound;
    simulator.clearFaults();
    const after = await client.submit(sms(99));
    // Assess
    expect(outcomes).toEqual(Array(10).fill({ kind: 'unknown', reason: 'connection-lost' }));
    expect(event).toMatchObject({ reason: 'unbind', inFlight: 10 });
    expect(after.kind).toBe('accepted');
    expect(simulator.stats.binds).toBe(2);
    expect(simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(1);
  });

  it('when the server refuses a submit, then the outcome carries the status and its name', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'status', commandStatus: 0x0b, count: 1 });
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    // Act
    const outcome = await client.submit(sms(1));
    // Assess
    expect(outcome).toEqual({ kind: 'rejected', commandStatus: 0x0b, name: 'ESME_RINVDSTADR' });
  });
});
