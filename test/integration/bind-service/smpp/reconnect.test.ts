import { describe, expect, it } from 'vitest';
import { BindCredentialsError, type SessionEvents } from '#bind-service/smpp/index.ts';
import { SmscSimulator } from '#local/smsc-simulator/index.ts';
import { elapse, within } from '#test/helpers/wait.ts';
import {
  ACCOUNT,
  engineFor,
  freePort,
  nextEvent,
  recordEvents,
  sms,
  startBound,
  startSimulator,
  useCleanup,
} from './fixtures.ts';

describe('engine reconnect and failover', () => {
  const defer = useCleanup();

  it('when the primary refuses connections, then the next attempt binds to the backup quickly', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const deadPort = await freePort();
    const client = engineFor(defer, deadPort, {
      hosts: [
        { host: '127.0.0.1', port: deadPort },
        { host: '127.0.0.1', port: simulator.port },
      ],
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, jitter: 0 },
    });
    const events = recordEvents(client, ['connecting', 'connect-failed', 'reconnect-scheduled', 'bound']);
    const started = performance.now();
    // Act
    await startBound(client);
    const took = performance.now() - started;
    // Assess
    expect(events.map((e) => e.name)).toEqual([
      'connecting',
      'connect-failed',
      'reconnect-scheduled',
      'connecting',
      'bound',
    ]);
    expect(events[0]?.event).toMatchObject({ port: deadPort, attempt: 1 });
    expect(events[1]?.event).toMatchObject({ port: deadPort, code: 'ECONNREFUSED' });
    expect(events[2]?.event).toMatchObject({ delayMs: 50 });
    expect(events[3]?.event).toMatchObject({ port: simulator.port, attempt: 2 });
    expect(took).toBeGreaterThanOrEqual(45);
    expect(took).toBeLessThan(1_000);
  });

  it('when the server goes away and comes back on the same port, then the engine rebinds with bounded back-off', async () => {
    // Prepare
    const first = new SmscSimulator({ accounts: [{ ...ACCOUNT, rate: 0 }] });
    const port = await first.listen(0);
    defer(() => first.close());
    const client = engineFor(defer, port, { reconnect: { initialDelayMs: 20, maxDelayMs: 100, jitter: 0 } });
    await startBound(client);
    const delays: number[] = [];
    client.on('reconnect-scheduled', (event) => delays.push(event.delayMs));
    const disconnected = nextEvent(client, 'disconnected');
    // Act
    await first.close();
    await disconnected;
    await within(
      new Promise<void>((resolve) => {
        const off = client.on('connect-failed', () => {
          if (delays.length >= 4) {
            off();
            resolve();
          }
        });
      }),
      3_000,
      'a few failed reconnects',
    );
    const rebound = nextEvent(client, 'bound');
    const second = await startSimulator(defer, {}, port);
    await rebound;
    const outcome = await client.submit(sms(1));
    // Assess
    expect(delays.slice(0, 4)).toEqual([20, 40, 80, 100]);
    expect(Math.max(...delays)).toBe(100);
    expect(second.stats.binds).toBe(1);
    expect(outcome.kind).toBe('accepted');
  });

  it('when a second bind uses the same login without MCON, then the first is unbound by the server', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const first = engineFor(defer, simulator.port, {
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    const second = engineFor(defer, simulator.port, {
      reconnect: { initialDelayMs: 1_000, maxDelayMs: 1_000 },
    });
    await startBound(first);
    const kicked = nextEvent(first, 'disconnected');
    // Act
    await startBound(second);
    const event = await kicked;
    // Assess
    expect(event.reason).toBe('unbind');
    expect(simulator.stats.kicked).toBe(1);
    expect(first.isBound).toBe(false);
    expect(second.isBound).toBe(true);
    await Promise.all([first.stop(), second.stop()]);
  });

  it('when the SMSC ends every session right after its bind, then the delay before each rebind grows instead of staying at the initial one', async () => {
    // Prepare: the bind is accepted and the session ended at once (the login bound elsewhere
    // without MCON, an account blocked after its bind). 100 ms doubling, no jitter.
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, {
      reconnect: { initialDelayMs: 100, maxDelayMs: 30_000, multiplier: 2, jitter: 0 },
    });
    client.on('bound', () => setTimeout(() => simulator.kick(ACCOUNT.systemId), 5));
    const delays: number[] = [];
    client.on('reconnect-scheduled', (event) => delays.push(event.delayMs));
    // Act
    client.start().catch(() => undefined);
    await within(
      (async () => {
        while (delays.length < 4) await elapse(20);
      })(),
      5_000,
      'four rebinds',
    );
    await client.stop({ drainTimeoutMs: 100 });
    // Assess: before, every delay was 100 ms (a rebind about every 100 ms, for ever).
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 800]);
  });

  it('when a session has lasted the longest back-off delay, then its end is followed by a rebind after the initial delay', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, {
      reconnect: { initialDelayMs: 50, maxDelayMs: 200, multiplier: 2, jitter: 0 },
    });
    await startBound(client);
    const delays: number[] = [];
    client.on('reconnect-scheduled', (event) => delays.push(event.delayMs));
    // Act: two sessions of 300 ms each, ended by the SMSC.
    for (let session = 0; session < 2; session++) {
      await elapse(300);
      const rebound = nextEvent(client, 'bound');
      simulator.kick(ACCOUNT.systemId);
      await within(rebound, 5_000, 'the rebind');
    }
    await client.stop({ drainTimeoutMs: 100 });
    // Assess
    expect(delays).toEqual([50, 50]);
  });

  it('when the bind permit says no, then no bind is attempted until it says yes', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    let permitted = false;
    const client = engineFor(defer, simulator.port, {}, { bindPermit: async () => permitted });
    const withheld = nextEvent(client, 'bind-not-permitted');
    // Act
    const bound = client.start();
    await withheld;
    await elapse(300);
    const bindsWhileRefused = simulator.stats.binds;
    permitted = true;
    await within(bound, 3_000, 'the bind once permitted');
    // Assess
    expect(bindsWhileRefused).toBe(0);
    expect(simulator.stats.binds).toBe(1);
  });

  it('when both binds send MCON2, then both stay bound and both can send', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const first = engineFor(defer, simulator.port, { systemType: 'MCON2' });
    const second = engineFor(defer, simulator.port, { systemType: 'MCON2' });
    const disconnects: SessionEvents['disconnected'][] = [];
    first.on('disconnected', (event) => disconnects.push(event));
    await startBound(first);
    // Act
    await startBound(second);
    const outcomes = await Promise.all([first.submit(sms(1)), second.submit(sms(2))]);
    // Assess
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted']);
    expect(simulator.boundSessions(ACCOUNT.systemId)).toHaveLength(2);
    expect(simulator.stats.kicked).toBe(0);
    expect(disconnects).toEqual([]);
  });

  it('when the password is wrong, then the engine makes one bind attempt and waits refused, never retrying by itself', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { password: 'wrong' });
    const bindFailed = nextEvent(client, 'bind-failed');
    const stopped = nextEvent(client, 'stopped');
    // Act
    const started = client.start();
    // Assess
    await expect(started).rejects.toBeInstanceOf(BindCredentialsError);
    expect(await bindFailed).toMatchObject({ commandStatus: 0x0e, name: 'ESME_RINVPASWD' });
    expect(await stopped).toEqual({ reason: 'bad-credentials', error: expect.any(BindCredentialsError) });
    // Several initial back-off delays (20 ms) pass: a retry would have shown by now.
    await elapse(200);
    expect(simulator.stats.bindFailures).toBe(1);
    expect(client.state).toBe('refused');
    expect((await client.submit(sms(1))).kind).toBe('not-sent');
    expect(simulator.stats.submits).toBe(0);
  });

  it('when a refused session is given the right password, then it binds and sends', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { password: 'wrong' });
    await expect(client.start()).rejects.toBeInstanceOf(BindCredentialsError);
    const waitingForBind = client.whenSlotFree();
    // Act
    await client.relogin(ACCOUNT.password);
    await waitingForBind;
    const sent = await client.submit(sms(1));
    // Assess
    expect(client.state).toBe('bound');
    expect(sent.kind).toBe('accepted');
    expect(simulator.stats.bindFailures).toBe(1);
  });

  it('when the server answers bind with a transient failure, then the engine backs off and retries', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    simulator.refuseBinds(0x0d);
    const client = engineFor(defer, simulator.port);
    const failures: SessionEvents['bind-failed'][] = [];
    client.on('bind-failed', (event) => {
      failures.push(event);
      if (failures.length === 2) simulator.refuseBinds(0);
    });
    // Act
    await startBound(client);
    // Assess
    expect(failures.map((f) => f.name)).toEqual(['ESME_RBINDFAIL', 'ESME_RBINDFAIL']);
    expect(simulator.stats.bindFailures).toBe(2);
    expect(client.isBound).toBe(true);
  });
});
