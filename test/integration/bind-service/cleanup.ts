import { afterEach } from 'vitest';

// The cleanup list of the bind-service integration tests (the engine's and dispatch's fixtures): what
// a test starts is stopped after it, newest first.

export type Cleanup = () => Promise<void> | void;

/** Registers `afterEach` cleanup; returns `defer(fn)`, whose functions run in reverse order. */
export function useCleanup(): (fn: Cleanup) => void {
  let tasks: Cleanup[] = [];
  afterEach(async () => {
    const pending = tasks.reverse();
    tasks = [];
    for (const task of pending) await task();
  });
  return (fn) => {
    tasks.push(fn);
  };
}
