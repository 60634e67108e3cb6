import { describe, expect, it } from 'vitest';
import { numberItem, writersOf } from '#core/aws/anti-loop/anti-loop-batch.ts';
import { PROVIDER_ANTI_LOOP } from '#core/domain/provider/anti-loop.ts';

const NEXT = { lastAtMs: Date.parse('2025-01-01T00:00:00Z'), streak: 2, sent: {} };

describe('numberItem: the next state of a number item', () => {
  it('when a batch writes a number whose item carries the tokens of single writes, then the tokens are kept', () => {
    // Prepare: a single admit wrote the item; its answer may have been lost, and its retry looks
    // for its token after the batch wrote.
    const read = { pk: 'LOOP#TO#x', ...NEXT, streak: 1, version: 3, writers: ['single-a', 'single-b'] };
    // Act: the batch path names no writer of its own.
    const { Item } = numberItem('LOOP#TO#x', read, NEXT, PROVIDER_ANTI_LOOP);
    // Assess
    expect(writersOf(Item)).toEqual(['single-a', 'single-b']);
    expect(Item.version).toBe(4);
  });

  it('when a single write names its token, then it goes first and the oldest beyond eight are dropped', () => {
    // Prepare
    const earlier = Array.from({ length: 8 }, (_, index) => `w${index}`);
    const read = { pk: 'LOOP#TO#x', ...NEXT, version: 1, writers: earlier };
    // Act
    const { Item } = numberItem('LOOP#TO#x', read, NEXT, PROVIDER_ANTI_LOOP, 'mine');
    // Assess
    expect(writersOf(Item)).toEqual(['mine', ...earlier.slice(0, 7)]);
  });
});
