import { describe, expect, it } from 'vitest';
import { type SlotSession, SlotSessions } from '#bind-service/account/slot-sessions.ts';
import { LoginLease, slotKey } from '#bind-service/dispatch/binds/login-lease.ts';
import type { StopOptions } from '#bind-service/smpp/index.ts';
import { MAX_MCON_SESSIONS } from '#core/domain/provider/system-type.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { type MemoryLeases, memoryLeases } from '#test/helpers/aws/memory-leases.ts';
import { waitUntil } from '#test/helpers/wait.ts';

/**
 * A session that records how it was stopped (the drain's cut apart), and whether its lease was
 * still ours then; with `drainsUntilCut`, a stop that drains lasts until the drain is cut.
 */
class FakeSession implements SlotSession {
  stoppedWith: StopOptions | undefined;
  drainCut: AbortSignal | undefined;
  leaseHeldAtStop: boolean | undefined;
  stopEnded = false;

  constructor(
    readonly index: number,
    private readonly leaseHeld: () => boolean,
    private readonly drainsUntilCut = false,
  ) {}

  async stop({ drainCut, ...options }: StopOptions = {}): Promise<void> {
    this.stoppedWith = options;
    this.drainCut = drainCut;
    this.leaseHeldAtStop = this.leaseHeld();
    if (this.drainsUntilCut && options.drainTimeoutMs && drainCut && !drainCut.aborted) {
      await new Promise((resolve) => drainCut.addEventListener('abort', resolve, { once: true }));
    }
    this.stopEnded = true;
  }
}

/** The login's slots beyond `binds` that another owner holds in `leases` (what slotHeldBeyond reads). */
const beyondIn = (leases: MemoryLeases, binds: number) => async () => {
  for (let index = binds; index < MAX_MCON_SESSIONS; index++) {
    const owner = leases.holders.get(slotKey('acme', index));
    if (owner && owner !== 'me') return { key: slotKey('acme', index), owner };
  }
  return undefined;
};

function slotsOf(leases: MemoryLeases, binds = 3) {
  const opened: FakeSession[] = [];
  const events: string[] = [];
  const heldCounts: number[] = [];
  const permits = new Map<number, () => Promise<boolean>>();
  const standingBy: string[] = [];
  const slots = new SlotSessions<FakeSession>({
    lease: (index) =>
      new LoginLease({ leases, key: slotKey('acme', index), owner: 'me', ttlMs: 60_000, log: silentLogger }),
    open: (index, bindPermit) => {
      const session = new FakeSession(index, () => leases.holders.get(slotKey('acme', index)) === 'me');
      opened.push(session);
      permits.set(index, bindPermit);
      events.push(`open ${index}`);
      return session;
    },
    leaving: (session) => events.push(`leaving ${session.index}`),
    closed: (session) => events.push(`closed ${session.index}`),
    onChange: (held) => heldCounts.push(held),
    failed: (error) => {
      throw error;
    },
    heldBeyond: beyondIn(leases, binds),
    standingBy: () => standingBy.push(`standby with ${opened.length} opened`),
    retryMs: 5,
    drainMs: 1_000,
    log: silentLogger,
  });
  return { slots, opened, events, heldCounts, permits, standingBy };
}

/** Slots whose leases have a 300 ms ttl (renewed every 50 ms), so a take-over is noticed at once. */
function shortTtlSlots(options: { drainMs: number; drainsUntilCut?: boolean }) {
  const leases = memoryLeases();
  const opened: FakeSession[] = [];
  const slots = new SlotSessions<FakeSession>({
    lease: (index) =>
      new LoginLease({ leases, key: slotKey('acme', index), owner: 'me', ttlMs: 300, log: silentLogger }),
    open: (index) => {
      const session = new FakeSession(index, () => true, options.drainsUntilCut);
      opened.push(session);
      return session;
    },
    leaving: () => undefined,
    closed: () => undefined,
    onChange: () => undefined,
    failed: (error) => {
      throw error;
    },
    heldBeyond: async () => undefined,
    retryMs: 5,
    drainMs: options.drainMs,
    log: silentLogger,
  });
  return { leases, opened, slots };
}

describe('SlotSessions', () => {
  it('when slots 0 and 2 are assigned, then both leases are taken and a session opened for each', async () => {
    // Prepare
    const leases = memoryLeases();
    const { slots, opened, heldCounts } = slotsOf(leases);
    // Act
    slots.assign([0, 2]);
    await waitUntil(() => slots.held === 2, 1_000, 'both slots');
    // Assess
    expect(opened.map((session) => session.index).sort()).toEqual([0, 2]);
    expect([...leases.holders.keys()].sort()).toEqual(['acme', 'acme#3']);
    expect(heldCounts).toEqual([1, 2]);
    await slots.stopAll({});
  });

  it('when a slot is no longer assigned, then its session drains and stops before the lease is released', async () => {
    // Prepare
    const leases = memoryLeases();
    const { slots, opened, events } = slotsOf(leases);
    slots.assign([0, 1]);
    await waitUntil(() => slots.held === 2, 1_000, 'both slots');
    // Act
    slots.assign([0]);
    await waitUntil(() => !leases.holders.has('acme#2'), 1_000, 'the lease released');
    // Assess
    const given = opened.find((session) => session.index === 1);
    expect(given?.stoppedWith).toEqual({ drainTimeoutMs: 1_000 });
    expect(given?.leaseHeldAtStop).toBe(true);
    expect(events.slice(-2)).toEqual(['leaving 1', 'closed 1']);
    expect(slots.held).toBe(1);
    expect(opened.find((session) => session.index === 0)?.stoppedWith).toBeUndefined();
    await slots.stopAll({});
  });

  it('when another task holds an assigned slot, then it is retried until released and then taken', async () => {
    // Prepare
    const leases = memoryLeases({ acme: 'other' });
    const { slots, opened } = slotsOf(leases);
    // Act
    slots.assign([0]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const whileHeld = opened.length;
    leases.holders.delete('acme');
    await waitUntil(() => slots.held === 1, 1_000, 'the slot taken');
    // Assess
    expect(whileHeld).toBe(0);
    expect(leases.holders.get('acme')).toBe('me');
    await slots.stopAll({});
  });

  it('when another task holds a slot beyond the login’s binds, then no slot is taken, the task stands by, and takes it once that slot is released', async () => {
    // Prepare: a deploy lowering MCON2 (2 binds) to one bind: the old task still holds slot 1.
    const leases = memoryLeases({ 'acme#2': 'old-task' });
    const { slots, opened } = slotsOf(leases, 1);
    // Act
    slots.assign([0]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const whileHeld = { opened: opened.length, slot0: leases.holders.get('acme'), standby: slots.standby };
    leases.holders.delete('acme#2');
    await waitUntil(() => slots.held === 1, 1_000, 'the slot taken');
    // Assess
    expect(whileHeld).toEqual({ opened: 0, slot0: undefined, standby: true });
    expect(leases.holders.get('acme')).toBe('me');
    expect(slots.standby).toBe(false);
    await slots.stopAll({});
  });

  it('when it becomes a standby (assigned nothing, or its slot held back), then it asks for proof the SMSC can be reached; holding a slot, it does not', async () => {
    // Prepare
    const leases = memoryLeases({ 'acme#2': 'old-task' });
    const nothing = slotsOf(leases);
    const heldBack = slotsOf(leases, 1);
    const holding = slotsOf(memoryLeases());
    // Act
    nothing.slots.assign([]);
    heldBack.slots.assign([0]);
    holding.slots.assign([0]);
    await waitUntil(() => heldBack.slots.standby && holding.slots.held === 1, 1_000, 'the slots to settle');
    // Assess: health counts a standby only once this task has reached the SMSC (account-runtime.ts).
    expect(nothing.standingBy).toEqual(['standby with 0 opened']);
    expect(heldBack.standingBy[0]).toBe('standby with 0 opened');
    expect(holding.standingBy).toEqual([]);
    await Promise.all([nothing, heldBack, holding].map((each) => each.slots.stopAll({})));
  });

  it('when a slot beyond the login’s binds is taken after this task took its slot, then its next bind is withheld', async () => {
    // Prepare
    const leases = memoryLeases();
    const { slots, permits } = slotsOf(leases, 1);
    slots.assign([0]);
    await waitUntil(() => slots.held === 1, 1_000, 'the slot taken');
    const before = await permits.get(0)?.();
    // Act: a task with more binds takes slot 2 (acme#3) before this one's session binds again.
    leases.holders.set('acme#3', 'old-task');
    const after = await permits.get(0)?.();
    // Assess
    expect(before).toBe(true);
    expect(after).toBe(false);
    await slots.stopAll({});
  });

  it('when one slot lease is taken over, then only that session stops, unbinding first, and the other goes on', async () => {
    // Prepare: renewals every ttl/6; a short ttl so the take-over is noticed at once.
    const { leases, opened, slots } = shortTtlSlots({ drainMs: 100 });
    slots.assign([0, 1]);
    await waitUntil(() => slots.held === 2, 1_000, 'both slots');
    // Act
    leases.holders.set('acme#2', 'intruder');
    await waitUntil(() => slots.held === 1, 1_000, 'the slot lost');
    // Assess
    expect(opened.find((session) => session.index === 1)?.stoppedWith).toEqual({ unbindFirst: true });
    expect(opened.find((session) => session.index === 0)?.stoppedWith).toBeUndefined();
    expect(leases.holders.get('acme#2')).toBe('intruder');
    await slots.stopAll({});
  });

  it('when a slot’s lease is lost while its given-up session drains, then the drain is cut at once and only that session stops', async () => {
    // Prepare: renewals every ttl/6 of 300 ms; a drain allowed 60 s, so only the cut can end it.
    const { leases, opened, slots } = shortTtlSlots({ drainMs: 60_000, drainsUntilCut: true });
    slots.assign([0, 1]);
    await waitUntil(() => slots.held === 2, 1_000, 'both slots');
    slots.assign([0]);
    const given = opened.find((session) => session.index === 1);
    await waitUntil(() => given?.stoppedWith !== undefined, 1_000, 'the give-up');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const drainingAfterRenewals = given?.stopEnded === false && given.drainCut?.aborted === false;
    // Act
    leases.holders.set('acme#2', 'intruder');
    await waitUntil(() => given?.stopEnded === true, 1_000, 'the drain cut');
    // Assess
    expect({ drainingAfterRenewals, stoppedWith: given?.stoppedWith }).toEqual({
      drainingAfterRenewals: true,
      stoppedWith: { drainTimeoutMs: 60_000 },
    });
    expect(opened.find((session) => session.index === 0)?.stoppedWith).toBeUndefined();
    expect(slots.held).toBe(1);
    expect(leases.holders.get('acme#2')).toBe('intruder');
    await slots.stopAll({});
  });

  it('when a slot’s session cannot be opened, then its lease is released and the failure reported, not left unhandled', async () => {
    // Prepare: a session the engine refuses to build (before, the error escaped an unawaited promise)
    const leases = memoryLeases();
    const failures: Error[] = [];
    const slots = new SlotSessions<FakeSession>({
      lease: (index) =>
        new LoginLease({
          leases,
          key: slotKey('acme', index),
          owner: 'me',
          ttlMs: 60_000,
          log: silentLogger,
        }),
      open: () => {
        throw new Error('invalid SMPP session config');
      },
      leaving: () => undefined,
      closed: () => undefined,
      onChange: () => undefined,
      failed: (error) => failures.push(error),
      heldBeyond: async () => undefined,
      retryMs: 5,
      drainMs: 1_000,
      log: silentLogger,
    });
    // Act
    slots.assign([0]);
    await waitUntil(() => failures.length === 1, 1_000, 'the failure reported');
    // Assess
    expect(failures[0]?.message).toBe('invalid SMPP session config');
    await waitUntil(() => !leases.holders.has('acme'), 1_000, 'the lease released');
    expect(slots.held).toBe(0);
    await slots.stopAll({});
  });
});
