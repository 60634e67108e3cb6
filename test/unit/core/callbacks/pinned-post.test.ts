import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { type CheckedAddress, pinnedLookup } from '#core/callbacks/pinned-post.ts';

// The lookup net.connect asks instead of DNS: it answers only the checked addresses, and only for
// the name they were checked for.

const CHECKED: CheckedAddress[] = [
  { address: '2001:db8::7', family: 6 },
  { address: '203.0.113.7', family: 4 },
  { address: '203.0.113.8', family: 4 },
];

interface Answer {
  error: NodeJS.ErrnoException | null;
  address: string | LookupAddress[];
  family: number | undefined;
}

function ask(name: string, options: { all?: boolean; family?: number | 'IPv4' | 'IPv6' }): Promise<Answer> {
  return new Promise((resolve) => {
    pinnedLookup('hooks.example.com', CHECKED)(name, options, (error, address, family) =>
      resolve({ error, address, family }),
    );
  });
}

describe('pinnedLookup', () => {
  it('when net asks for every address (family autoselection), then it gets all the checked ones, in order', async () => {
    // Act
    const answer = await ask('hooks.example.com', { all: true });
    // Assess
    expect(answer.error).toBeNull();
    expect(answer.address).toEqual(CHECKED);
  });

  it.each([
    [4, '203.0.113.7'],
    ['IPv4', '203.0.113.7'],
    [6, '2001:db8::7'],
    [0, '2001:db8::7'],
  ] as const)(
    'when net asks for one address of family %s, then it gets the first checked one of it',
    async (family, expected) => {
      // Act
      const answer = await ask('hooks.example.com', { family });
      // Assess
      expect(answer).toEqual({ error: null, address: expected, family: expected.includes(':') ? 6 : 4 });
    },
  );

  it('when asked for another name, then no address is given (ENOTFOUND)', async () => {
    // Act
    const answer = await ask('elsewhere.example.com', { all: true });
    // Assess
    expect(answer.error?.code).toBe('ENOTFOUND');
  });
});
