// "One owner per login": without MCON a second bind with the same login ends the first session, so
// a task binds only while it holds a DynamoDB lease on the login. With MCONn and b binds per task,
// n / b tasks may bind at once: the lease then has that many slots and a task takes any free one.
import { setTimeout as delay } from 'node:timers/promises';
import type { LeaseRepository } from '#core/aws/lease.ts';
import type { Logger } from '../../logger.ts';

export interface LoginLeaseOptions {
  leases: Pick<LeaseRepository, 'acquireLease' | 'renewLease' | 'releaseLease' | 'currentHolder'>;
  systemId: string;
  owner: string;
  /** How many tasks may hold the login at once (1 without MCON). */
  slots: number;
  ttlMs: number;
  retryMs: number;
  log: Logger;
  now?: () => number;
}

/** The lease key of slot `index`: the bare login for the first, so a single-slot setup reads naturally. */
export function slotKey(systemId: string, index: number): string {
  return index === 0 ? systemId : `${systemId}#${index + 1}`;
}

export class LoginLease {
  private key: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private renewedAt = 0;
  private readonly now: () => number;

  constructor(private readonly options: LoginLeaseOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  get held(): boolean {
    return this.key !== undefined;
  }

  /** Waits until a slot is ours; false when the signal aborted first. */
  async acquire(signal: AbortSignal): Promise<boolean> {
    const { leases, systemId, owner, slots, ttlMs, retryMs, log } = this.options;
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        for (let index = 0; index < slots; index++) {
          const key = slotKey(systemId, index);
          if (await leases.acquireLease(key, owner, ttlMs)) {
            this.key = key;
            this.renewedAt = this.now();
            log.info('login lease acquired', { lease: key, owner });
            return true;
          }
        }
        const holder = await leases.currentHolder(slotKey(systemId, 0));
        log.warn('login lease held by another live owner; waiting before binding', {
          systemId,
          holder: holder?.owner,
          expiresAt: holder ? new Date(holder.expiresAtMs).toISOString() : undefined,
          retryInMs: retryMs,
          attempt,
        });
      } catch (error) {
        log.warn('login lease could not be read; retrying', { systemId, error, attempt });
      }
      await delay(retryMs, undefined, { signal }).catch(() => undefined);
    }
    return false;
  }

  /** Renews every ttl/3; `onLost` once the lease is someone else's or could not be renewed in time. */
  keep(onLost: (reason: string) => void): void {
    const { leases, owner, ttlMs, log } = this.options;
    const renew = async () => {
      const key = this.key;
      if (!key) return;
      try {
        if (await leases.renewLease(key, owner, ttlMs)) {
          this.renewedAt = this.now();
          return;
        }
        this.stopRenewing();
        this.key = undefined;
        onLost('taken over by another owner');
      } catch (error) {
        log.warn('login lease renewal failed; retrying', { lease: key, error });
        // Past its ttl another task may have taken the login: stop binding rather than risk a kick war.
        if (this.now() - this.renewedAt >= ttlMs) {
          this.stopRenewing();
          onLost('not renewed within its ttl');
        }
      }
    };
    this.timer = setInterval(() => void renew(), Math.max(100, Math.floor(ttlMs / 3)));
    this.timer.unref();
  }

  /** After unbinding: frees the slot so the next owner need not wait for the ttl. */
  async release(): Promise<void> {
    this.stopRenewing();
    const key = this.key;
    this.key = undefined;
    if (!key) return;
    try {
      await this.options.leases.releaseLease(key, this.options.owner);
      this.options.log.info('login lease released', { lease: key });
    } catch (error) {
      this.options.log.warn('login lease not released; it expires on its own', { lease: key, error });
    }
  }

  private stopRenewing(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
