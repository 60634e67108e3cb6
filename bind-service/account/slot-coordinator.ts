// The task's part in sharing the login slots: every ttl/6 it renews its roster lease and reads the
// roster (task-roster.ts), then hands each account the slots assigned to its rank
// (slot-assignment.ts). Renewals of the slot leases themselves run per slot (login-lease.ts).
import type { Logger } from '#core/observability/logger.ts';
import { assignSlots } from '../dispatch/binds/slot-assignment.ts';
import type { TaskRoster } from '../dispatch/binds/task-roster.ts';

export interface SlotHolder {
  readonly name: string;
  /** The login's sessions in the whole deployment. */
  readonly binds: number;
  assign(indices: readonly number[]): void;
}

export interface SlotCoordinatorOptions {
  roster: Pick<TaskRoster, 'refresh' | 'release'>;
  accounts: readonly SlotHolder[];
  ttlMs: number;
  log: Logger;
}

export class SlotCoordinator {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Refreshes may overlap (one hung call must not stop the next renewal); only the newest applies. */
  private sent = 0;
  private applied = 0;
  private lastView = '';

  constructor(private readonly options: SlotCoordinatorOptions) {}

  start(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(50, Math.floor(this.options.ttlMs / 6)));
    this.timer.unref();
  }

  /** No more refreshes or assignments; the roster lease is released after the slots (releaseRoster). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  async releaseRoster(): Promise<void> {
    await this.options.roster.release();
  }

  private async tick(): Promise<void> {
    const sequence = ++this.sent;
    const view = await this.options.roster.refresh();
    if (!view || this.stopped || sequence < this.applied) return;
    this.applied = sequence;
    const { accounts, log } = this.options;
    const logins = accounts.map((account) => ({ account: account.name, binds: account.binds }));
    const assigned = assignSlots(logins, view.live.length, view.rank);
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
