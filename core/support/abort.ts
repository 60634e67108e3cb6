// Waiting on an AbortSignal from many places at once: every message waiting for a bind, a claim
// place or a rate token also waits for the service's "stop taking work" signal, which lives as long
// as the service. Two things must not grow with the messages:
// - listeners on the signal: one per signal, whatever the number of waiters (Node warns past 10);
// - reactions on a promise that lives as long as the signal: `Promise.race([work, aborted])`
//   leaves a reaction on the long-lived `aborted` each time, freed only when it settles, so a
//   service that never stops kept 300-550 bytes per wait (measured: 20,000 messages, 11 MB; a
//   day's traffic, the task's memory). Each waiter here is removed as soon as its wait ends.

/** What raceAbort resolves with when the signal aborted first. */
export const ABORTED: unique symbol = Symbol('aborted');

const callbacksBySignal = new WeakMap<AbortSignal, Set<() => void>>();
const ignore = () => undefined;

/**
 * Calls `callback` once when the signal aborts, at once if it has already; returns the function
 * that takes it off again.
 */
export function onAbort(signal: AbortSignal | undefined, callback: () => void): () => void {
  if (!signal) return ignore;
  if (signal.aborted) {
    callback();
    return ignore;
  }
  let callbacks = callbacksBySignal.get(signal);
  if (!callbacks) {
    const waiting = new Set<() => void>();
    callbacks = waiting;
    callbacksBySignal.set(signal, waiting);
    signal.addEventListener(
      'abort',
      () => {
        for (const call of [...waiting]) call();
        waiting.clear();
      },
      { once: true },
    );
  }
  const once = () => {
    callbacks.delete(once);
    callback();
  };
  callbacks.add(once);
  return () => {
    callbacks.delete(once);
  };
}

/** `work`'s outcome, or ABORTED if the signal aborts first; a later outcome of `work` is dropped. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(ignore);
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const forget = onAbort(signal, () => resolve(ABORTED));
    work.then(
      (value) => {
        forget();
        resolve(value);
      },
      (error: unknown) => {
        forget();
        reject(error);
      },
    );
  });
}

/**
 * A signal that aborts `ms` from now, with a TimeoutError as AbortSignal.timeout gives (its timer
 * keeps no process alive); already aborted when no whole millisecond is left.
 */
export function signalAfter(ms: number): AbortSignal {
  const whole = Math.floor(ms);
  if (whole > 0) return AbortSignal.timeout(whole);
  return AbortSignal.abort(new DOMException('The time ran out.', 'TimeoutError'));
}
