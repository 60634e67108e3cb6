import { describe, expect, it } from 'vitest';
import { assignSlots, lowestFreeIndex, numberSlots } from '#bind-service/dispatch/binds/slot-assignment.ts';

const A3_B1 = [
  { account: 'a', binds: 3 },
  { account: 'b', binds: 1 },
];

describe('slot assignment', () => {
  it('when slots are numbered, then they run over all accounts in config order', () => {
    // Act
    const slots = numberSlots(A3_B1);
    // Assess
    expect(slots.map((slot) => `${slot.account}${slot.index}:${slot.global}`)).toEqual([
      'a0:0',
      'a1:1',
      'a2:2',
      'b0:3',
    ]);
  });

  it('when two tasks are live, then global slot g goes to rank g mod 2: 2 slots each, A spread over both', () => {
    // Act
    const first = assignSlots(A3_B1, 2, 0);
    const second = assignSlots(A3_B1, 2, 1);
    // Assess
    expect(first).toEqual(
      new Map([
        ['a', [0, 2]],
        ['b', []],
      ]),
    );
    expect(second).toEqual(
      new Map([
        ['a', [1]],
        ['b', [0]],
      ]),
    );
  });

  it('when one task is live, then it is assigned every slot of every login', () => {
    // Act / Assess
    expect(assignSlots(A3_B1, 1, 0)).toEqual(
      new Map([
        ['a', [0, 1, 2]],
        ['b', [0]],
      ]),
    );
  });

  it('when more tasks are live than slots, then each slot has one task and the others stand by', () => {
    // Act
    const all = [0, 1, 2, 3, 4].map((rank) => assignSlots(A3_B1, 5, rank));
    // Assess
    const counts = all.map((byAccount) => [...byAccount.values()].flat().length);
    expect(counts).toEqual([1, 1, 1, 1, 0]);
  });

  it('when the roster changes from 3 tasks to 2, then every slot still has exactly one task and the counts differ by at most 1', () => {
    // Prepare: 7 slots over three logins.
    const logins = [
      { account: 'a', binds: 3 },
      { account: 'b', binds: 1 },
      { account: 'c', binds: 3 },
    ];
    for (const live of [3, 2]) {
      // Act
      const byRank = Array.from({ length: live }, (_, rank) => assignSlots(logins, live, rank));
      // Assess
      const owners = new Map<string, number>();
      byRank.forEach((byAccount, rank) => {
        for (const [account, indices] of byAccount) {
          for (const index of indices) {
            expect(owners.has(`${account}${index}`)).toBe(false);
            owners.set(`${account}${index}`, rank);
          }
        }
      });
      expect(owners.size).toBe(7);
      const counts = byRank.map((byAccount) => [...byAccount.values()].flat().length);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it('when picking a roster index, then the lowest one no live task holds is taken, none when all are', () => {
    // Act / Assess
    expect(lowestFreeIndex([0, 1, 3], 32)).toBe(2);
    expect(lowestFreeIndex([], 32)).toBe(0);
    expect(lowestFreeIndex([0, 1], 2)).toBeUndefined();
  });
});
