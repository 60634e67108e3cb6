import { describe, expect, it, vi } from 'vitest';
import { LoginLease, slotKey } from '#bind-service/dispatch/binds/login-lease.ts';
import { silentLogger } from '#bind-service/logger.ts';
import type { LeaseHolder } from '#core/aws/lease.ts';

/** An in-memory stand-in for the lease table: holders by key, no expiry. */
function leaseTable(initial: Record<string, string> = {}) {
  const holders = new Map(Object.entries(initial));
  return {
    holders,
    acquireLease: async (key: string, owner: string) => {
      const holder = holders.get(key);
      if (holder && holder !== owner) return false;
      holders.set(key, owner);
      return true;
    },
    renewLease: async (key: string, owner: string) => holders.get(key) === owner,
    releaseLease: async (key: string, owner: string) => {
      if (holders.get(key) === owner) holders.delete(key);
    },
    currentHolder: async (key: string): Promise<LeaseHolder | undefined> => {
      const owner = holders.get(key);
      return owner ? { owner, expiresAtMs: 0 } : undefined;
    },
  };
}

const lease = (leases: ReturnType<typeof leaseTable>, slots = 1) =>
  new LoginLease({
    leases,
    systemId: 'acme',
    owner: 'me',
    slots,
    ttlMs: 300,
    retryMs: 10,
    log: silentLogger,
  });

describe('LoginLease', () => {
  it('when MCON allows two tasks and the first slot is taken, then the second slot is ours', async () => {
    // Prepare
    const leases = leaseTable({ acme: 'other' });
    // Act
    const acquired = await lease(leases, 2).acquire(new AbortController().signal);
    // Assess
    expect(acquired).toBe(true);
    expect(leases.holders.get(slotKey('acme', 1))).toBe('me');
    expect(slotKey('acme', 1)).toBe('acme#2');
  });

  it('when the only slot stays taken and the service stops, then acquire gives up without the lease', async () => {
    // Prepare
    const stop = new AbortController();
    const login = lease(leaseTable({ acme: 'other' }));
    // Act
    const acquiring = login.acquire(stop.signal);
    setTimeout(() => stop.abort(), 30);
    // Assess
    expect(await acquiring).toBe(false);
    expect(login.held).toBe(false);
  });

  it('when another owner takes the lease over, then the renewal reports it lost', async () => {
    // Prepare
    vi.useFakeTimers();
    try {
      const leases = leaseTable();
      const login = lease(leases);
      await login.acquire(new AbortController().signal);
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

  it('when released, then the slot is free for the next owner', async () => {
    // Prepare
    const leases = leaseTable();
    const login = lease(leases);
    await login.acquire(new AbortController().signal);
    // Act
    await login.release();
    // Assess
    expect(leases.holders.size).toBe(0);
  });
});
