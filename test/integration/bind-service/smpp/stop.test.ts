import { describe, expect, it } from 'vitest';
import type { SessionEvents } from '#bind-service/smpp/index.ts';
import { type PDU, type Session, smpp } from '#bind-service/smpp/pdu/smpp-package.ts';
import { elapse } from '#test/helpers/wait.ts';
import {
  ACCOUNT,
  engineFor,
  listenUntilCleanup,
  recordEvents,
  sms,
  startBound,
  startSimulator,
  useCleanup,
} from './fixtures.ts';

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

/**
 * An SMSC that answers its PDUs in the order they came (the simulator answers unbind at once): each
 * submit after `answerMs`, an unbind only after the submits before it. `seen` is what it read and wrote.
 */
async function inOrderSmsc(defer: ReturnType<typeof useCleanup>, answerMs: number) {
  const sessions: Session[] = [];
  const seen: string[] = [];
  const server = smpp.createServer({}, (session) => {
    sessions.push(session);
    session.on('error', () => undefined);
    let turn = Promise.resolve();
    const inTurn = (delayMs: number, answer: () => void) => {
      turn = turn.then(() => elapse(delayMs)).then(answer);
    };
    session.on('bind_transceiver', (pdu: PDU) => session.send(pdu.response({ system_id: 'SMSC' })));
    session.on('enquire_link', (pdu: PDU) => session.send(pdu.response()));
    session.on('submit_sm', (pdu: PDU) => {
      seen.push('submit_sm');
      inTurn(answerMs, () => {
        seen.push('submit_sm_resp');
        session.send(pdu.response({ message_id: String(1000 + pdu.sequence_number) }));
      });
    });
    session.on('unbind', (pdu: PDU) => {
      seen.push('unbind');
      inTurn(0, () => {
        seen.push('unbind_resp');
        session.send(pdu.response());
      });
    });
  });
  const port = await listenUntilCleanup(server, sessions, defer);
  return { port, seen };
}

/** A bound engine with 3 submits in flight that the simulator answers 3 s late; `closed`: why it ended the session. */
async function threeSlowInFlight(defer: ReturnType<typeof useCleanup>) {
  const simulator = await startSimulator(defer);
  simulator.fault({ type: 'slow', delayMs: 3_000, count: 3 });
  const client = engineFor(defer, simulator.port);
  await startBound(client);
  const closed = new Promise<string>((resolve) =>
    simulator.once('session-closed', (event) => resolve(event.reason)),
  );
  const inFlight = Array.from({ length: 3 }, (_, i) => client.submit(sms(i)));
  await simulator.waitFor(() => simulator.stats.submits === 3, 2_000);
  return { simulator, client, closed, inFlight };
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

  it('when stopped to unbind first, then the unbind goes at once and what is in flight resolves unknown', async () => {
    // Prepare
    const { client, closed, inFlight } = await threeSlowInFlight(defer);
    const started = performance.now();
    // Act
    await client.stop({ drainTimeoutMs: 10_000, unbindFirst: true });
    const outcomes = await Promise.all(inFlight);
    // Assess
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(await closed).toBe('client unbind');
    expect(outcomes).toEqual(Array(3).fill({ kind: 'unknown', reason: 'connection-lost' }));
  });

  it('when the drain is cut (the slot’s lease lost) with submits in flight, then the unbind goes at once, not at the drain timeout', async () => {
    // Prepare
    const { simulator, client, closed, inFlight } = await threeSlowInFlight(defer);
    const drainCut = new AbortController();
    // Act
    const stopped = client.stop({ drainTimeoutMs: 10_000, drainCut: drainCut.signal });
    await elapse(200);
    const boundWhileDraining = simulator.boundSessions(ACCOUNT.systemId).length;
    const cutAt = performance.now();
    drainCut.abort();
    await stopped;
    const outcomes = await Promise.all(inFlight);
    // Assess
    expect(boundWhileDraining).toBe(1);
    expect(performance.now() - cutAt).toBeLessThan(1_500);
    expect(await closed).toBe('client unbind');
    expect(outcomes).toEqual(Array(3).fill({ kind: 'unknown', reason: 'connection-lost' }));
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

  it('when the drain times out and the SMSC answers the window before its unbind_resp, then those answers reach their submits', async () => {
    // Prepare
    const smsc = await inOrderSmsc(defer, 150);
    const client = engineFor(defer, smsc.port, { unbindTimeoutMs: 2_000 });
    await startBound(client);
    const stray = recordEvents(client, ['unexpected-pdu', 'late-answer']);
    const inFlight = [1, 2, 3].map((i) => client.submit(sms(i), { messageId: `m-${i}`, part: 1, parts: 1 }));
    // Act: the drain (50 ms) ends before the answers (150 ms each, in order).
    await client.stop({ drainTimeoutMs: 50 });
    const outcomes = await Promise.all(inFlight);
    // Assess
    expect(smsc.seen).toEqual([
      ...Array(3).fill('submit_sm'),
      'unbind',
      ...Array(3).fill('submit_sm_resp'),
      'unbind_resp',
    ]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(Array(3).fill('accepted'));
    expect(stray).toEqual([]);
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

  it('when stopped gracefully between the parts of a long message, then its later parts still go during the drain and a new message does not', async () => {
    // Prepare: the first of 3 parts is answered; its next parts come after their rate tokens.
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 100, count: 10 });
    const client = engineFor(defer, simulator.port, { windowSize: 1 });
    await startBound(client);
    const tag = (part: number) => ({ messageId: 'long-1', part, parts: 3 });
    const first = await client.submit(sms(1), tag(1));
    let stopped = false;
    // Act
    const stopping = client.stop({ drainTimeoutMs: 3_000 }).then(() => {
      stopped = true;
    });
    await elapse(150);
    const second = await client.submit(sms(2), tag(2), { priority: 'part' });
    const fresh = await client.submit(sms(9));
    await elapse(150);
    const stoppedBeforeLastPart = stopped;
    const third = await client.submit(sms(3), tag(3), { priority: 'part' });
    await stopping;
    // Assess
    expect([first.kind, second.kind, third.kind]).toEqual(['accepted', 'accepted', 'accepted']);
    expect(fresh).toEqual({ kind: 'not-sent', reason: 'stopping' });
    expect(stoppedBeforeLastPart).toBe(false);
    expect(simulator.stats.submits).toBe(3);
  });

  it('when a later part waits for a full window as a graceful stop begins, then it goes once the slot frees and other waiters do not', async () => {
    // Prepare: the window (1) holds another message; a part and a new message queue behind it.
    const simulator = await startSimulator(defer);
    simulator.fault({ type: 'slow', delayMs: 100, count: 10 });
    const client = engineFor(defer, simulator.port, { windowSize: 1 });
    await startBound(client);
    const tag = (part: number) => ({ messageId: 'long-4', part, parts: 2 });
    expect((await client.submit(sms(1), tag(1))).kind).toBe('accepted');
    const other = client.submit(sms(5));
    const queuedPart = client.submit(sms(2), tag(2), { priority: 'part' });
    const queuedNew = client.submit(sms(6));
    // Act
    const stopping = client.stop({ drainTimeoutMs: 3_000 });
    const outcomes = await Promise.all([other, queuedPart, queuedNew]);
    await stopping;
    // Assess
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['accepted', 'accepted', 'not-sent']);
    expect(simulator.stats.submits).toBe(3);
  });

  it('when a long message’s next part comes after the drain timeout, then it is not sent and the stop ends at the timeout', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const tag = (part: number) => ({ messageId: 'long-2', part, parts: 2 });
    const first = await client.submit(sms(1), tag(1));
    const started = performance.now();
    // Act
    await client.stop({ drainTimeoutMs: 200 });
    const tookMs = performance.now() - started;
    const second = await client.submit(sms(2), tag(2), { priority: 'part' });
    // Assess
    expect(first.kind).toBe('accepted');
    expect(second).toEqual({ kind: 'not-sent', reason: 'stopping' });
    expect(tookMs).toBeGreaterThanOrEqual(150);
    expect(tookMs).toBeLessThan(1_000);
    expect(simulator.stats.submits).toBe(1);
  });

  it('when stopped to unbind first between the parts of a long message, then its next part is not sent', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const tag = (part: number) => ({ messageId: 'long-3', part, parts: 2 });
    const first = await client.submit(sms(1), tag(1));
    // Act
    const stopping = client.stop({ drainTimeoutMs: 5_000, unbindFirst: true });
    const second = await client.submit(sms(2), tag(2), { priority: 'part' });
    await stopping;
    // Assess
    expect(first.kind).toBe('accepted');
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
