import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  engineFor,
  nextEvent,
  recordEvents,
  startBound,
  startSimulator,
  useCleanup,
} from './fixtures.ts';

describe('engine bind and keep-alive', () => {
  const defer = useCleanup();

  it('when the engine binds, then the simulator sees a transceiver with interface 0x34 and our system_type', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { systemType: 'MCON2,ISO,SINGLE' });
    const bound = nextEvent(client, 'bound');
    // Act
    client.start();
    const event = await bound;
    // Assess
    expect(event).toEqual({ host: '127.0.0.1', port: simulator.port });
    expect(client.isBound).toBe(true);
    expect(simulator.boundSessions(ACCOUNT.systemId)).toEqual([
      expect.objectContaining({
        interfaceVersion: 0x34,
        systemType: 'MCON2,ISO,SINGLE',
        mode: 'transceiver',
      }),
    ]);
  });

  it('when idle well past the server idle timeout, then enquire_link keeps the same session bound', async () => {
    // Prepare
    const simulator = await startSimulator(defer, { idleTimeoutMs: 400 });
    const client = engineFor(defer, simulator.port, { enquireLinkIntervalMs: 150 });
    const events = recordEvents(client, ['disconnected', 'connecting']);
    await startBound(client);
    const [session] = simulator.boundSessions(ACCOUNT.systemId);
    const started = performance.now();
    // Act
    await simulator.waitFor(() => simulator.stats.enquireLinks >= 9, 3_000);
    // Assess
    expect(performance.now() - started).toBeGreaterThan(1_200);
    expect(simulator.boundSessions(ACCOUNT.systemId)).toEqual([
      expect.objectContaining({ sessionId: session?.sessionId }),
    ]);
    expect(simulator.stats.idleTimeouts).toBe(0);
    expect(simulator.stats.binds).toBe(1);
    expect(events.map((e) => e.name)).toEqual(['connecting']);
  });

  it('when the server stops answering enquire_link, then the engine drops the link and rebinds', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, {
      enquireLinkIntervalMs: 100,
      enquireLinkTimeoutMs: 200,
    });
    await startBound(client);
    const disconnect = nextEvent(client, 'disconnected');
    const rebound = nextEvent(client, 'bound');
    // Act
    simulator.stopAnsweringEnquireLink(ACCOUNT.systemId);
    const disconnected = await disconnect;
    simulator.stopAnsweringEnquireLink(ACCOUNT.systemId, false);
    await rebound;
    // Assess
    expect(disconnected.reason).toBe('enquire-link-timeout');
    expect(simulator.stats.binds).toBe(2);
    expect(client.isBound).toBe(true);
  });
});
