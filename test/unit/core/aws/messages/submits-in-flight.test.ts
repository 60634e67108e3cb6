import { describe, expect, it } from 'vitest';
import { SubmitsInFlight } from '#core/aws/messages/receipts/submits-in-flight.ts';

function deferred(): { promise: Promise<string>; resolve: (v: string) => void; reject: (e: Error) => void } {
  let resolve: (v: string) => void = () => undefined;
  let reject: (e: Error) => void = () => undefined;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SubmitsInFlight: the submitted writes this process has under way', () => {
  it('when a write is under way, then each of its SMSC ids names it until it settles', async () => {
    // Prepare
    const inFlight = new SubmitsInFlight();
    const write = deferred();
    // Act
    const returned = inFlight.track(['101', '102'], write.promise);
    const during = [inFlight.settled('101'), inFlight.settled('102'), inFlight.settled('103')];
    write.resolve('done');
    // Assess
    expect(await returned).toBe('done');
    expect(during[0]).toBeDefined();
    expect(during[1]).toBeDefined();
    expect(during[2]).toBeUndefined();
    await during[0];
    expect(inFlight.settled('101')).toBeUndefined();
    expect(inFlight.size).toBe(0);
  });

  it('when the write fails, then its waiters are released without the error and the caller gets it', async () => {
    // Prepare
    const inFlight = new SubmitsInFlight();
    const write = deferred();
    const returned = inFlight.track(['101'], write.promise);
    const waiter = inFlight.settled('101');
    // Act
    write.reject(new Error('store unavailable'));
    // Assess
    await expect(returned).rejects.toThrow('store unavailable');
    await expect(waiter).resolves.toBeUndefined();
    expect(inFlight.size).toBe(0);
  });

  it('when a retry for the same id starts before the first write settles, then the retry keeps its entry', async () => {
    // Prepare
    const inFlight = new SubmitsInFlight();
    const first = deferred();
    const retry = deferred();
    inFlight.track(['101'], first.promise).catch(() => undefined);
    const firstWaiter = inFlight.settled('101');
    inFlight.track(['101'], retry.promise);
    const retryWaiter = inFlight.settled('101');
    // Act
    first.reject(new Error('timed out'));
    await firstWaiter;
    // Assess
    expect(retryWaiter).not.toBe(firstWaiter);
    expect(inFlight.settled('101')).toBe(retryWaiter);
    retry.resolve('done');
    await retryWaiter;
    expect(inFlight.size).toBe(0);
  });
});
