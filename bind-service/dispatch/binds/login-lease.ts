// "One owner per login": without MCON a second bind with the same login ends the first session, so
// a task binds only while it holds a DynamoDB lease on the login. With MCONn and b binds per task,
// n / b tasks may bind at once: the lease then has that many slots and a task takes any free one.
// The lease is renewed every ttl/6 and counts from when a renewal was SENT (its expiry is computed
// then). When no renewal has succeeded for 2/3 of the ttl the task must give the login up: a third
// of the ttl is left for the unbind before another task may see the lease as lapsed. Every (re)bind
// asks confirm() first, so a task never binds on a lease it no longer holds.
import { setTimeout as delay } from 'node:timers/promises';
import type { LeaseRepository } from '#core/aws/lease.ts';
import type { Logger } from '#core/observability/logger.ts';

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
  private watchdog: NodeJS.Timeout | undefined;
  /** When the last renewal that succeeded was sent: the lease runs until then + ttl at the earliest. */
  private renewedAt = 0;
  private onLost: ((reason: string) => void) | undefined;
  private readonly now: () => number;
  private readonly lossAfterMs: number;

  constructor(private readonly options: LoginLeaseOptions) {
    this.now = options.now ?? (() => performance.now());
    this.lossAfterMs = Math.floor((options.ttlMs * 2) / 3);
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
          const sentAt = this.now();
          if (await leases.acquireLease(key, owner, ttlMs)) {
            this.key = key;
            this.renewedAt = sentAt;
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

  /**
   * Renews every ttl/6. `onLost` (once) as soon as the lease is someone else's, or when no renewal
   * succeeded for 2/3 of the ttl: the caller must unbind then, while the lease is still ours.
   */
  keep(onLost: (reason: string) => void): void {
    this.onLost = onLost;
    this.timer = setInterval(() => void this.renew(), Math.max(50, Math.floor(this.options.ttlMs / 6)));
    this.timer.unref();
    this.armWatchdog();
  }

  /**
   * Before each bind: whether the lease is ours. It is renewed first; when the store cannot be reached,
   * the lease counts as ours while its last renewal is younger than 2/3 of the ttl.
   */
  async confirm(): Promise<boolean> {
    if (!this.key) return false;
    const renewed = await this.renew();
    return renewed ?? this.fresh();
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

  private fresh(): boolean {
    return this.key !== undefined && this.now() - this.renewedAt < this.lossAfterMs;
  }

  /**
   * true: renewed; false: someone else's (reported lost); undefined: the store did not answer. Calls
   * may overlap: one hung request must not keep the next tick's from renewing the lease.
   */
  private async renew(): Promise<boolean | undefined> {
    const { leases, owner, ttlMs, log } = this.options;
    const key = this.key;
    if (!key) return false;
    const sentAt = this.now();
    try {
      if (!(await leases.renewLease(key, owner, ttlMs))) {
        this.lose('taken over by another owner', { forget: true });
        return false;
      }
    } catch (error) {
      log.warn('login lease renewal failed; retrying', { lease: key, error });
      return undefined;
    }
    if (this.key === key) this.renewedAt = Math.max(this.renewedAt, sentAt);
    this.armWatchdog();
    return true;
  }

  /** Fires 2/3 of the ttl after the last good renewal was sent, unless a later one moved it on. */
  private armWatchdog(): void {
    if (!this.onLost || !this.key) return;
    clearTimeout(this.watchdog);
    const left = this.renewedAt + this.lossAfterMs - this.now();
    this.watchdog = setTimeout(
      () => {
        if (this.fresh()) this.armWatchdog();
        else this.lose('not renewed within 2/3 of its ttl', { forget: false });
      },
      Math.max(0, left),
    );
    this.watchdog.unref();
  }

  /** `forget`: the lease is someone else's, so release() must not touch it. */
  private lose(reason: string, { forget }: { forget: boolean }): void {
    if (!this.key || !this.onLost) return;
    const onLost = this.onLost;
    this.onLost = undefined;
    this.stopRenewing();
    if (forget) this.key = undefined;
    onLost(reason);
  }

  private stopRenewing(): void {
    clearInterval(this.timer);
    clearTimeout(this.watchdog);
    this.timer = undefined;
    this.watchdog = undefined;
  }
}
