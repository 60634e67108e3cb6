// "One owner per login slot": without MCON a second bind with the same login ends the first session,
// so a session binds only while its task holds the DynamoDB lease of that slot. A login of `binds`
// sessions (the whole deployment's, <= MCON) has that many slots, each a lease of its own
// (slotKey), shared among the tasks as slot-assignment.ts decides. One LoginLease is one slot.
// The lease is renewed every ttl/6 and counts from when a renewal was SENT (its expiry is computed
// then). When no renewal has succeeded for 2/3 of the ttl the task must give the slot up: a third
// of the ttl is left for the unbind before another task may see the lease as lapsed. Every (re)bind
// asks confirm() first, so a session never binds on a lease it no longer holds.
import type { LeaseHolder } from '#core/aws/lease.ts';
import { MAX_MCON_SESSIONS } from '#core/domain/provider/system-type.ts';
import type { Logger } from '#core/observability/logger.ts';

/** Leases by key, each held by one owner until its ttl (core/aws's LeaseRepository is one). */
export interface LeaseStore {
  acquireLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  renewLease(key: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;
  currentHolder(key: string): Promise<LeaseHolder | undefined>;
}

export interface LoginLeaseOptions {
  leases: LeaseStore;
  /** slotKey(systemId, index). */
  key: string;
  owner: string;
  ttlMs: number;
  log: Logger;
  now?: () => number;
}

/** The task roster's keys are `task#<n>` (task-roster.ts); a login of that name escapes its later slots. */
const ROSTER_PREFIX = 'task';

/**
 * The lease key of slot `index`: the login for the first (a single-slot setup reads naturally, and
 * versions before and after share it, so they exclude each other on it), `<login>#<index+1>` after.
 * A slot key is never another login's nor a task's roster lease (`task#<n>`, task-roster.ts): a
 * login's `#` and `%` are escaped (%23, %25), so login `shop#2` never takes slot 1 of login `shop`,
 * and the later slots of a login named `task` are written `%74ask#<k>`. Every other login keeps the
 * keys of the versions before, so old and new tasks still exclude each other during a deploy (a
 * roster key of another form would split the tasks of the two versions into two rosters, each
 * assigning the slots the other holds, and the new task would never report healthy).
 */
export function slotKey(systemId: string, index: number): string {
  const login = systemId.replace(/[%#]/g, (character) => encodeURIComponent(character));
  if (index === 0) return login;
  return `${login === ROSTER_PREFIX ? '%74ask' : login}#${index + 1}`;
}

/**
 * A slot of the login beyond its `binds` that another task holds, or undefined. Such a task runs
 * with more binds (a deploy changing MCON/binds, old and new task side by side): its session there
 * is one this task's config does not count, and a bind asking for fewer sessions (no MCON: one)
 * makes the SMSC end the login's older sessions. So a task binds only while every slot beyond its
 * `binds` is free or lapsed: one BatchGetItem of those keys (at most 8) per slot taken and per bind,
 * never per message. A task with more binds than another needs no such wait: its bind asks for
 * more sessions than are bound (the SMSC ends sessions only beyond the new bind's MCON).
 */
export async function slotHeldBeyond(
  leases: { holders(keys: readonly string[]): Promise<Map<string, LeaseHolder>> },
  login: { systemId: string; binds: number; owner: string },
): Promise<{ key: string; owner: string } | undefined> {
  const keys: string[] = [];
  for (let index = login.binds; index < MAX_MCON_SESSIONS; index++) keys.push(slotKey(login.systemId, index));
  if (keys.length === 0) return undefined;
  const holders = await leases.holders(keys);
  for (const key of keys) {
    const holder = holders.get(key);
    if (holder && holder.owner !== login.owner) return { key, owner: holder.owner };
  }
  return undefined;
}

export class LoginLease {
  private heldKey: string | undefined;
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

  /** The slot's lease key (slotKey). */
  get key(): string {
    return this.options.key;
  }

  get held(): boolean {
    return this.heldKey !== undefined;
  }

  /** One attempt to take the slot (free, lapsed, or already ours); false while another task holds it. */
  async tryAcquire(): Promise<boolean> {
    const { leases, key, owner, ttlMs } = this.options;
    if (this.heldKey) return true;
    const sentAt = this.now();
    if (!(await leases.acquireLease(key, owner, ttlMs))) return false;
    this.heldKey = key;
    this.renewedAt = sentAt;
    return true;
  }

  /** Who holds the slot now, for the log line of a task waiting for it. */
  async holder(): Promise<{ owner: string; expiresAt: string } | undefined> {
    const holder = await this.options.leases.currentHolder(this.options.key);
    return holder && { owner: holder.owner, expiresAt: new Date(holder.expiresAtMs).toISOString() };
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
    if (!this.heldKey) return false;
    const renewed = await this.renew();
    return renewed ?? this.fresh();
  }

  /** After unbinding: frees the slot so the next owner need not wait for the ttl. Renewals stop. */
  async release(): Promise<void> {
    this.stopRenewing();
    const key = this.heldKey;
    this.heldKey = undefined;
    if (!key) return;
    try {
      await this.options.leases.releaseLease(key, this.options.owner);
      this.options.log.debug('login slot lease released', { lease: key });
    } catch (error) {
      this.options.log.warn('login slot lease not released; it expires on its own', { lease: key, error });
    }
  }

  private fresh(): boolean {
    return this.heldKey !== undefined && this.now() - this.renewedAt < this.lossAfterMs;
  }

  /**
   * true: renewed; false: someone else's (reported lost); undefined: the store did not answer. Calls
   * may overlap: one hung request must not keep the next tick's from renewing the lease.
   */
  private async renew(): Promise<boolean | undefined> {
    const { leases, owner, ttlMs, log } = this.options;
    const key = this.heldKey;
    if (!key) return false;
    const sentAt = this.now();
    try {
      if (!(await leases.renewLease(key, owner, ttlMs))) {
        this.lose('taken over by another owner', { forget: true });
        return false;
      }
    } catch (error) {
      log.warn('login slot lease renewal failed; retrying', { lease: key, error });
      return undefined;
    }
    if (this.heldKey === key) this.renewedAt = Math.max(this.renewedAt, sentAt);
    this.armWatchdog();
    return true;
  }

  /** Fires 2/3 of the ttl after the last good renewal was sent, unless a later one moved it on. */
  private armWatchdog(): void {
    if (!this.onLost || !this.heldKey) return;
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
    if (!this.heldKey || !this.onLost) return;
    const onLost = this.onLost;
    this.onLost = undefined;
    this.stopRenewing();
    if (forget) this.heldKey = undefined;
    onLost(reason);
  }

  private stopRenewing(): void {
    clearInterval(this.timer);
    clearTimeout(this.watchdog);
    this.timer = undefined;
    this.watchdog = undefined;
  }
}
