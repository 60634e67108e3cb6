import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/** "Full jitter" back-off: concurrent writers that collided spread out instead of colliding again. */
export function backoffDelayMs(attempt: number, { baseMs, capMs }: BackoffOptions): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.floor(Math.random() * ceiling);
}

export function sleepBackoff(attempt: number, options: BackoffOptions): Promise<void> {
  return delay(backoffDelayMs(attempt, options));
}
