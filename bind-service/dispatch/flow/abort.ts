// Waiting on an AbortSignal from many places at once (every message waiting for a bind or a rate
// token races the service's "stop taking work" signal).

const NEVER = new Promise<void>(() => undefined);
// One promise per signal: hundreds of waiters racing it must not each add an 'abort' listener.
const abortPromises = new WeakMap<AbortSignal, Promise<void>>();

/** Resolves when the signal aborts; shared by every caller. */
export function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return NEVER;
  if (signal.aborted) return Promise.resolve();
  let promise = abortPromises.get(signal);
  if (!promise) {
    promise = new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    abortPromises.set(signal, promise);
  }
  return promise;
}
