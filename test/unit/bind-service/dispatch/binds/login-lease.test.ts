import { describe, expect, it, vi } from 'vitest';
import { LoginLease, slotHeldBeyond, slotKey } from '#bind-service/dispatch/binds/login-lease.ts';
import { ROSTER_SIZE, rosterKey } from '#bind-service/dispatch/binds/task-roster.ts';
import type { LeaseHolder } from '#core/aws/lease.ts';
import { parseAccounts } from '#core/domain/accounts/parse-accounts.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { type MemoryLeases, memoryLeases } from '#test/helpers/aws/memory-leases.ts';

const lease = (leases: MemoryLeases, index = 0) =>
  new LoginLease({
    leases,
    key: slotKey('acme', index),
    owner: 'me',
    ttlMs: 300,
    log: silentLogger,
    now: () => Date.now(),
  });

/** The store stops answering: every renewal from now on throws. */
function unreachable(leases: MemoryLeases): void {
  leases.renewLease = async () => {
    throw new Error('connect ECONNREFUSED');
  };
}

describe('LoginLease', () => {
  it('when a task of one bind asks, then the slots up to MCON9 beyond it are read in one batch and another task’s is named', async () => {
    // Prepare: a task of the old config (MCON3) holds slot 2; this task holds slot 0 itself.
    const live = new Map<string, LeaseHolder>([
      ['acme', { owner: 'me', expiresAtMs: 0 }],
      ['acme#3', { owner: 'old-task', expiresAtMs: 0 }],
    ]);
    const reads: string[][] = [];
    const leases = {
      holders: async (keys: readonly string[]) => {
        reads.push([...keys]);
        return new Map([...live].filter(([key]) => keys.includes(key)));
      },
    };
    // Act
    const one = await slotHeldBeyond(leases, { systemId: 'acme', binds: 1, owner: 'me' });
    const three = await slotHeldBeyond(leases, { systemId: 'acme', binds: 3, owner: 'me' });
    const nine = await slotHeldBeyond(leases, { systemId: 'acme', binds: 9, owner: 'me' });
    // Assess
    expect(one).toEqual({ key: 'acme#3', owner: 'old-task' });
    expect(three).toBeUndefined();
    expect(nine).toBeUndefined();
    expect(reads).toEqual([
      ['acme#2', 'acme#3', 'acme#4', 'acme#5', 'acme#6', 'acme#7', 'acme#8', 'acme#9'],
      ['acme#4', 'acme#5', 'acme#6', 'acme#7', 'acme#8', 'acme#9'],
    ]);
  });

  it('when slot 0 belongs to another task, then it is not taken and slot 1 (key acme#2) is', async () => {
    // Prepare
    const leases = memoryLeases({ acme: 'other' });
    // Act
    const first = await lease(leases, 0).tryAcquire();
    const second = lease(leases, 1);
    const acquired = await second.tryAcquire();
    // Assess
    expect(first).toBe(false);
    expect(acquired).toBe(true);
    expect(second.held).toBe(true);
    expect(leases.holders.get('acme#2')).toBe('me');
    expect(leases.holders.get('acme')).toBe('other');
  });

  it('when another owner takes the lease over, then the renewal reports it lost', async () => {
    // Prepare
    vi.useFakeTimers();
    try {
      const leases = memoryLeases();
      const login = lease(leases);
      await login.tryAcquire();
      const lost: string[] = [];
      login.keep((reason) => lost.push(reason));
      // Act
      leases.holders.set('acme', 'intruder');
      await vi.advanceTimersByTimeAsync(150);
      // Assess
      expect(lost).toEqual(['taken over by another owner']);
      expect(login.held).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when renewals fail, then the lease is reported lost 2/3 of the ttl after the last good one was sent', async () => {
    // Prepare: ttl 300 ms, renewals every 50 ms.
    vi.useFakeTimers();
    try {
      const leases = memoryLeases();
      const login = lease(leases);
      await login.tryAcquire();
      const lost: { reason: string; at: number }[] = [];
      const start = Date.now();
      login.keep((reason) => lost.push({ reason, at: Date.now() - start }));
      await vi.advanceTimersByTimeAsync(50);
      // Act
      unreachable(leases);
      await vi.advanceTimersByTimeAsync(400);
      // Assess: the last good renewal was sent at 50 ms: lost at 50 + 200.
      expect(lost).toEqual([{ reason: 'not renewed within 2/3 of its ttl', at: 250 }]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when asked before a bind, then confirm renews: yes while ours, no once another owner has it', async () => {
    // Prepare
    const leases = memoryLeases();
    const login = lease(leases);
    await login.tryAcquire();
    const lost: string[] = [];
    login.keep((reason) => lost.push(reason));
    // Act
    const ours = await login.confirm();
    leases.holders.set('acme', 'intruder');
    const theirs = await login.confirm();
    // Assess
    expect([ours, theirs]).toEqual([true, false]);
    expect(lost).toEqual(['taken over by another owner']);
    await login.release();
  });

  it('when the store cannot be reached, then confirm says yes only while the last renewal is younger than 2/3 ttl', async () => {
    // Prepare
    vi.useFakeTimers();
    try {
      const leases = memoryLeases();
      const login = lease(leases);
      await login.tryAcquire();
      unreachable(leases);
      // Act
      const early = await login.confirm();
      await vi.advanceTimersByTimeAsync(250);
      const late = await login.confirm();
      // Assess
      expect([early, late]).toEqual([true, false]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('when released, then the slot is free for the next owner', async () => {
    // Prepare
    const leases = memoryLeases();
    const login = lease(leases);
    await login.tryAcquire();
    // Act
    await login.release();
    // Assess
    expect(leases.holders.size).toBe(0);
  });
});

describe('slot lease keys of several logins', () => {
  const entry = (name: string, systemId: string, extra: Record<string, unknown> = {}) => ({
    name,
    systemId,
    password: 'fake-pass-1',
    host: 'smpp.smscentre.com',
    port: 3700,
    ...extra,
  });

  /** Every slot's lease key of an accepted accounts file. */
  function leaseKeysOf(accounts: object[]): string[] {
    return parseAccounts(JSON.stringify(accounts), 'accounts.json').flatMap((account) =>
      Array.from({ length: account.login.binds }, (_, index) => slotKey(account.login.systemId, index)),
    );
  }

  it('when a login is an ordinary one, then its slot keys and the roster keys are those of the version before, so old and new tasks exclude each other during a deploy', () => {
    // Act
    const keys = leaseKeysOf([entry('main', 'acme', { systemType: 'MCON3', binds: 3 })]);
    // Assess
    expect(keys).toEqual(['acme', 'acme#2', 'acme#3']);
    expect(rosterKey(0)).toBe('task#0');
  });

  it('when one login is "shop" (MCON2, 2 binds) and another "shop#2", then every slot has a lease key of its own', () => {
    // Act
    const keys = leaseKeysOf([
      entry('shop', 'shop', { systemType: 'MCON2', binds: 2 }),
      entry('branch', 'shop#2'),
    ]);
    // Assess: before, shop's second slot and shop#2's first were one lease, so one login never bound.
    expect(keys).toEqual(['shop', 'shop#2', 'shop%232']);
  });

  it.each(['task', 'task#0'])(
    'when a login is "%s" (MCON9, 9 binds), then none of its slot leases is a task roster lease',
    (systemId) => {
      // Prepare
      const roster = Array.from({ length: ROSTER_SIZE }, (_, index) => rosterKey(index));
      // Act
      const keys = leaseKeysOf([entry('main', systemId, { systemType: 'MCON9', binds: 9 })]);
      // Assess
      expect(keys.filter((key) => roster.includes(key))).toEqual([]);
    },
  );
});
