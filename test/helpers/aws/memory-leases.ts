import type { LeaseHolder } from '#core/aws/lease.ts';

/**
 * An in-memory lease table for unit tests of the lease logic: holders by key, no expiry (the
 * DynamoDB one, with its conditions and ttl, is tested against DynamoDB Local).
 */
export function memoryLeases(initial: Record<string, string> = {}) {
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

export type MemoryLeases = ReturnType<typeof memoryLeases>;
