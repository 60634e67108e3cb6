import { describe, expect, it } from 'vitest';
import { ABORTED, onAbort, raceAbort } from '#core/support/abort.ts';
import { MEGABYTE, retainedBytesAfter } from '#test/helpers/retained-heap.ts';

describe('raceAbort', () => {
  it('when the work finishes first, then its value comes back and a later abort changes nothing', async () => {
    // Prepare
    const controller = new AbortController();
    // Act
    const outcome = await raceAbort(Promise.resolve('sent'), controller.signal);
    controller.abort();
    // Assess
    expect(outcome).toBe('sent');
  });

  it('when the signal aborts first, then ABORTED comes back and the work failing later is no unhandled rejection', async () => {
    // Prepare
    const controller = new AbortController();
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<string>((_, reject) => {
      fail = reject;
    });
    // Act
    const racing = raceAbort(work, controller.signal);
    controller.abort();
    const outcome = await racing;
    fail(new Error('refused after the stop'));
    await new Promise((resolve) => setImmediate(resolve));
    // Assess
    expect(outcome).toBe(ABORTED);
  });

  it('when the signal has aborted already, then ABORTED comes back at once', async () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    // Act / Assess
    await expect(raceAbort(new Promise<never>(() => undefined), controller.signal)).resolves.toBe(ABORTED);
  });

  it('when the work fails first, then its error comes through', async () => {
    // Act / Assess
    await expect(
      raceAbort(Promise.reject(new Error('store down')), new AbortController().signal),
    ).rejects.toThrow('store down');
  });

  it('when 20,000 races against a live signal have ended, then they leave nothing behind and the signal has one listener', async () => {
    // Prepare: count the listeners put on the signal.
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    controller.signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      listeners += 1;
      add(...args);
    };
    // Act
    const retained = await retainedBytesAfter(async () => {
      for (let i = 0; i < 20_000; i++) await raceAbort(Promise.resolve(i), controller.signal);
    });
    // Assess
    expect(retained).toBeLessThan(MEGABYTE);
    expect(listeners).toBe(1);
    expect(controller.signal.aborted).toBe(false);
  });
});

describe('onAbort', () => {
  it('when several wait on one signal and one stops waiting, then the abort calls the others once each', () => {
    // Prepare
    const controller = new AbortController();
    const called: string[] = [];
    onAbort(controller.signal, () => called.push('a'));
    const forgetB = onAbort(controller.signal, () => called.push('b'));
    onAbort(controller.signal, () => called.push('c'));
    // Act
    forgetB();
    controller.abort();
    controller.abort();
    // Assess
    expect(called).toEqual(['a', 'c']);
  });

  it('when the signal has aborted already, then the callback is called at once', () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    let called = 0;
    // Act
    onAbort(controller.signal, () => {
      called += 1;
    });
    // Assess
    expect(called).toBe(1);
  });
});
