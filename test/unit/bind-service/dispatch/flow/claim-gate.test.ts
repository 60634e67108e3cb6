import { describe, expect, it } from 'vitest';
import { ClaimGate } from '#bind-service/dispatch/flow/claim-gate.ts';
import { MEGABYTE, retainedBytesAfter } from '#test/helpers/retained-heap.ts';

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ClaimGate', () => {
  it('when the gate is full, then the next message waits until one leaves, in arrival order', async () => {
    // Prepare
    const gate = new ClaimGate(() => 2);
    const signal = new AbortController().signal;
    const admitted: string[] = [];
    await gate.enter(signal);
    await gate.enter(signal);
    // Act
    const third = gate.enter(signal).then(() => admitted.push('third'));
    const fourth = gate.enter(signal).then(() => admitted.push('fourth'));
    await settle();
    const whileFull = [...admitted];
    gate.leave();
    await third;
    await settle();
    // Assess
    expect(whileFull).toEqual([]);
    expect(admitted).toEqual(['third']);
    expect(gate.holding).toBe(2);
    gate.leave();
    await fourth;
    expect(admitted).toEqual(['third', 'fourth']);
  });

  it('when a waiting message is stopped, then it gets false and its place goes to the next one', async () => {
    // Prepare
    const gate = new ClaimGate(() => 1);
    const running = new AbortController().signal;
    const stopping = new AbortController();
    await gate.enter(running);
    const stopped = gate.enter(stopping.signal);
    const next = gate.enter(running);
    // Act
    stopping.abort();
    const stoppedResult = await stopped;
    gate.leave();
    const nextResult = await next;
    // Assess
    expect([stoppedResult, nextResult]).toEqual([false, true]);
    expect(gate.holding).toBe(1);
  });

  it('when the capacity grows (the rate recovered), then waiting messages get in at the next admission', async () => {
    // Prepare
    let capacity = 1;
    const gate = new ClaimGate(() => capacity);
    const signal = new AbortController().signal;
    await gate.enter(signal);
    const waiting = [gate.enter(signal), gate.enter(signal)];
    // Act
    capacity = 4;
    const late = gate.enter(signal);
    // Assess
    expect(await Promise.all([...waiting, late])).toEqual([true, true, true]);
    expect(gate.holding).toBe(4);
  });

  it('when 20,000 messages have waited for a place and left, with the service still running, then their waits leave nothing behind', async () => {
    // Prepare: a gate of one place; the stop signal lives as long as the service.
    const gate = new ClaimGate(() => 1);
    const running = new AbortController();
    // Act: each message waits behind the one inside, then takes its place and leaves.
    const retained = await retainedBytesAfter(async () => {
      await gate.enter(running.signal);
      for (let i = 0; i < 20_000; i++) {
        const next = gate.enter(running.signal);
        gate.leave();
        await next;
      }
      gate.leave();
    });
    // Assess: a wait that kept a reaction on the stop signal's promise kept ~300 bytes each.
    expect(running.signal.aborted).toBe(false);
    expect(retained).toBeLessThan(MEGABYTE);
  });
});
