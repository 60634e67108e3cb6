import { describe, expect, it } from 'vitest';
import { Batcher } from '#bind-service/dispatch/intake/batcher.ts';

describe('Batcher', () => {
  it('when 25 entries are added at once, then they go out in batches of 10, 10 and 5', async () => {
    // Prepare
    const batches: number[][] = [];
    const batcher = new Batcher<number>(async (entries) => {
      batches.push([...entries]);
      return new Map();
    });
    // Act
    await Promise.all(Array.from({ length: 25 }, (_, i) => batcher.add(i)));
    // Assess
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat()).toEqual(Array.from({ length: 25 }, (_, i) => i));
  });

  it('when one entry of a batch fails, then only its promise rejects', async () => {
    // Prepare
    const batcher = new Batcher<string>(
      async () => new Map([[1, new Error('ReceiptHandleIsInvalid: gone')]]),
    );
    // Act
    const results = await Promise.allSettled([batcher.add('a'), batcher.add('b'), batcher.add('c')]);
    // Assess
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('when the whole call fails, then every entry of that batch rejects with its error', async () => {
    // Prepare
    const batcher = new Batcher<string>(async () => {
      throw new Error('network down');
    });
    // Act
    const results = await Promise.allSettled([batcher.add('a'), batcher.add('b')]);
    // Assess
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
  });

  it('when flushed, then a lone entry is sent without waiting for company', async () => {
    // Prepare
    const sent: string[] = [];
    const batcher = new Batcher<string>(
      async (entries) => {
        sent.push(...entries);
        return new Map();
      },
      10,
      60_000,
    );
    // Act
    const added = batcher.add('alone');
    await batcher.flush();
    await added;
    // Assess
    expect(sent).toEqual(['alone']);
  });
});
