// The task's part in sharing the login slots: every ttl/6 it renews its roster lease and reads the
// roster (task-roster.ts), then hands each account the slots assigned to its rank
// (slot-assignment.ts). Renewals of the slot leases themselves run per slot (login-lease.ts).
// A standby (no slot of any login assigned here) also checks every STANDBY_WATCH_MS whether one of
// the other live tasks has left (TaskRoster.departed, a read of their keys alone) and reads the
// roster at once when one has: a task that stops releases its slots and then its roster lease, so
// the standby binds within about that interval of the stop, not at its next ttl/6 read (5 s at
// the default ttl; a deploy's login had no session meanwhile). A task holding slots keeps the
// ttl/6 reads: it only gains more sessions, and watching costs reads on every task. A task that
// found no roster index free is assigned nothing: a standby, watching like one, joining once one
// of the others has left.
import type { Logger } from '#core/observability/logger.ts';
import { assignSlots } from '../dispatch/binds/slot-assignment.ts';
import type { TaskRoster } from '../dispatch/binds/task-roster.ts';

/**
 * How often a standby checks for a departed task: each check is one strongly consistent
 * BatchGetItem of the other live tasks' roster keys, so 2 read units a second with one other task.
 */
export const STANDBY_WATCH_MS = 500;

export interface SlotHolder {
  readonly name: string;
  /** The login's sessions in the whole deployment. */
  readonly binds: number;
  assign(indices: readonly number[]): void;
}

export interface SlotCoordinatorOptions {
  roster: Pick<TaskRoster, 'refresh' | 'release' | 'departed'>;
  accounts: readonly SlotHolder[];
  ttlMs: number;
  log: Logger;
  /** STANDBY_WATCH_MS unless a test says otherwise; never beyond the ttl/6 reads. */
  watchMs?: number;
}

export class SlotCoordinator {
  private timer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Refreshes may overlap (one hung call must not stop the next renewal); only the newest applies. */
  private sent = 0;
  private applied = 0;
  private lastView = '';
  /** The last view applied assigned no slot of any login here. */
  private standby = false;
  private watching = false;

  constructor(private readonly options: SlotCoordinatorOptions) {}

  start(): void {
    const tickMs = Math.max(50, Math.floor(this.options.ttlMs / 6));
    void this.tick();
    this.timer = setInterval(() => void this.tick(), tickMs);
    this.timer.unref();
    this.watchTimer = setInterval(
      () => void this.watch(),
      Math.min(this.options.watchMs ?? STANDBY_WATCH_MS, tickMs),
    );
    this.watchTimer.unref();
  }

  /** No more refreshes or assignments; the roster lease is released after the slots (releaseRoster). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.watchTimer);
  }

  /**
   * Released only after every slot was: a standby that sees this task gone finds its slots free at
   * once (released first, it would find them still held and retry every LEASE_RETRY_SECONDS).
   */
  async releaseRoster(): Promise<void> {
    await this.options.roster.release();
  }

  private async watch(): Promise<void> {
    if (!this.standby || this.stopped || this.watching) return;
    this.watching = true;
    try {
      if (await this.options.roster.departed()) await this.tick();
    } finally {
      this.watching = false;
    }
  }

  private async tick(): Promise<void> {
    const sequence = ++this.sent;
    const view = await this.options.roster.refresh();
    if (!view || this.stopped || sequence < this.applied) return;
    this.applied = sequence;
    const { accounts, log } = this.options;
    const logins = accounts.map((account) => ({ account: account.name, binds: account.binds }));
    // Outside the roster (every index held): nothing here, a standby until it joins.
    const assigned =
      view.rank === undefined ? assignSlots(logins, 0, 0) : assignSlots(logins, view.live.length, view.rank);
    this.standby = [...assigned.values()].every((indices) => indices.length === 0);
    const described = JSON.stringify({ tasks: view.live.length, rank: view.rank });
    if (described !== this.lastView) {
      this.lastView = described;
      log.info('task roster changed', {
        tasks: view.live.length,
        rank: view.rank,
        slots: Object.fromEntries(assigned),
      });
    }
    for (const account of accounts) account.assign(assigned.get(account.name) ?? []);
  }
}
