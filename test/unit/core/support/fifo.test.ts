import { describe, expect, it } from 'vitest';
import { Fifo } from '#core/support/fifo.ts';

describe('Fifo', () => {
  it('when many items pass through, then they come out in order and the size follows', () => {
    // Prepare
    const fifo = new Fifo<number>();
    for (let i = 0; i < 5000; i += 1) fifo.push(i);
    // Act
    const out: number[] = [];
    for (let i = 0; i < 3000; i += 1) out.push(fifo.shift()!);
    fifo.push(5000);
    const rest = fifo.drain();
    // Assess
    expect(out[0]).toBe(0);
    expect(out[2999]).toBe(2999);
    expect(rest).toHaveLength(2001);
    expect(rest[0]).toBe(3000);
    expect(rest.at(-1)).toBe(5000);
    expect(fifo.size).toBe(0);
    expect(fifo.shift()).toBeUndefined();
  });
});
