import { describe, expect, it } from 'vitest';
import { BindPool } from '#bind-service/dispatch/binds/bind-pool.ts';
import { RateLimiter } from '#bind-service/dispatch/flow/rate-limiter.ts';
import { sendParts } from '#bind-service/dispatch/submit/send-parts.ts';
import type { SmppClient } from '#bind-service/smpp/index.ts';
import { CommandStatus } from '#core/domain/provider/command-status.ts';
import { elapse, waitUntil, within } from '#test/helpers/wait.ts';
import { ACCOUNT, engineFor, sms, startBound, startSimulator, useCleanup } from '../../smpp/fixtures.ts';

// ESME_RINVBNDSTS says the SMSC does not hold this session as bound: it took nothing, and the
// message itself is fine. It was resent on the same session three times within about 2 s and then
// ended `failed` for good, and the session never bound again, so every message sent meanwhile
// failed too.

/**
 * A bound engine owing a rebind it cannot make yet: one submit never answered (`unanswered`), the
 * next refused ESME_RINVBNDSTS (`refused`).
 */
async function owingRebind(defer: ReturnType<typeof useCleanup>) {
  const simulator = await startSimulator(defer);
  const client = engineFor(defer, simulator.port, { responseTimeoutMs: 5_000 });
  await startBound(client);
  simulator.fault({ type: 'no-answer', count: 1 });
  simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RINVBNDSTS, count: 1 });
  const unanswered = client.submit(sms(1));
  const refused = await client.submit(sms(2));
  return { simulator, client, unanswered, refused };
}

describe('ESME_RINVBNDSTS on a submit (simulator)', () => {
  const defer = useCleanup();

  it('when the SMSC answers ESME_RINVBNDSTS, then the message counts as not sent, the session binds again and the next submit is taken', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    const rate = new RateLimiter({ ratePerSecond: 1_000 });
    defer(() => rate.close());
    simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RINVBNDSTS, count: 1 });
    // Act
    const refused = await sendParts(client, [sms(1)], 'bulk', { rate, messageId: 'bind-status-1' });
    await waitUntil(() => simulator.stats.binds === 2 && client.isBound, 5_000, 'bound again');
    const next = await client.submit(sms(2));
    // Assess
    expect(refused.kind).toBe('not-sent');
    expect(next.kind).toBe('accepted');
  }, 15_000);

  it('when the link drops before the answers owed after ESME_RINVBNDSTS are in, then the new bind takes submits at once', async () => {
    // Prepare: one submit never answered, the next refused ESME_RINVBNDSTS; then the link goes.
    const { simulator, client, unanswered, refused } = await owingRebind(defer);
    // Act
    simulator.kick(ACCOUNT.systemId);
    await unanswered;
    await waitUntil(() => simulator.stats.binds === 2 && client.isBound, 5_000, 'bound again');
    const next = await client.submit(sms(3));
    // Assess: the rebind it waited for has happened; the new bind is not refused or closed for it.
    expect(refused).toMatchObject({ kind: 'rejected', commandStatus: CommandStatus.ESME_RINVBNDSTS });
    expect(next.kind).toBe('accepted');
  }, 15_000);

  it('when a rebind waits for an answer owed, then /healthz’s state of the session is rebind-owed, not bound, until it binds again', async () => {
    // Prepare: health showed such a session `bound` while the account was unavailable (503).
    const { simulator, client, unanswered } = await owingRebind(defer);
    // Act
    const whileOwed = { state: client.state, reported: client.reportedState, isBound: client.isBound };
    simulator.kick(ACCOUNT.systemId);
    await unanswered;
    await waitUntil(() => simulator.stats.binds === 2 && client.isBound, 5_000, 'bound again');
    // Assess
    expect(whileOwed).toEqual({ state: 'bound', reported: 'rebind-owed', isBound: false });
    expect(client.reportedState).toBe('bound');
  }, 15_000);

  it('when the SMSC answers a submit with generic_nack ESME_RINVBNDSTS, then the session binds again and the next submit is taken', async () => {
    // Prepare
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port);
    await startBound(client);
    simulator.fault({ type: 'generic-nack', commandStatus: CommandStatus.ESME_RINVBNDSTS, count: 1 });
    // Act
    const refused = await client.submit(sms(1));
    await waitUntil(() => simulator.stats.binds === 2 && client.isBound, 5_000, 'bound again');
    const next = await client.submit(sms(2));
    // Assess
    expect(refused).toMatchObject({ kind: 'rejected', commandStatus: CommandStatus.ESME_RINVBNDSTS });
    expect(next.kind).toBe('accepted');
  }, 15_000);

  it('when a session waits for the answers owed before its rebind, then the pool hands messages to another session', async () => {
    // Prepare: two sessions of one MCON2 login; the first has one submit unanswered and one refused
    // ESME_RINVBNDSTS, the second has three in flight (so fewer free slots than the first).
    const simulator = await startSimulator(defer);
    const held = engineFor(defer, simulator.port, { systemType: 'MCON2', responseTimeoutMs: 2_000 });
    const healthy = engineFor(defer, simulator.port, { systemType: 'MCON2' });
    await startBound(held);
    await startBound(healthy);
    simulator.fault({ type: 'no-answer', count: 1 });
    simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RINVBNDSTS, count: 1 });
    const unanswered = held.submit(sms(1));
    const refused = await held.submit(sms(2));
    simulator.fault({ type: 'slow', delayMs: 1_000, count: 3 });
    const busy = [3, 4, 5].map((i) => healthy.submit(sms(i)));
    const pool = new BindPool<SmppClient>([held, healthy]);
    // Act: what the pipeline does for each message: a session with a free slot, then the submit.
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const bind = await within(pool.acquire(), 1_000, 'a session from the pool');
      const outcome = await bind?.submit(sms(10 + i));
      outcomes.push(`${bind?.session === held ? 'held' : 'healthy'}:${outcome?.kind}`);
    }
    // Assess
    expect(refused).toMatchObject({ kind: 'rejected', commandStatus: CommandStatus.ESME_RINVBNDSTS });
    expect({ isBound: held.isBound, availableSlots: held.availableSlots, outcomes }).toEqual({
      isBound: false,
      availableSlots: 0,
      outcomes: Array(5).fill('healthy:accepted'),
    });
    await Promise.all([unanswered, ...busy]);
  }, 15_000);

  it('when a session held for its rebind binds again, then a caller waiting for a slot on it is woken', async () => {
    // Prepare: one submit unanswered (until the 500 ms timeout), the next refused ESME_RINVBNDSTS.
    const simulator = await startSimulator(defer);
    const client = engineFor(defer, simulator.port, { responseTimeoutMs: 500 });
    await startBound(client);
    simulator.fault({ type: 'no-answer', count: 1 });
    simulator.fault({ type: 'status', commandStatus: CommandStatus.ESME_RINVBNDSTS, count: 1 });
    const unanswered = client.submit(sms(1));
    await client.submit(sms(2));
    let woken = false;
    const slotFree = client.whenSlotFree().then(() => {
      woken = true;
    });
    // Act
    await elapse(100);
    const wokenWhileHeld = woken;
    await within(slotFree, 3_000, 'a free slot after the rebind');
    // Assess
    expect(wokenWhileHeld).toBe(false);
    expect(await unanswered).toEqual({ kind: 'unknown', reason: 'timeout' });
    expect({ binds: simulator.stats.binds, isBound: client.isBound }).toEqual({ binds: 2, isBound: true });
    expect((await client.submit(sms(3))).kind).toBe('accepted');
  }, 15_000);
});
