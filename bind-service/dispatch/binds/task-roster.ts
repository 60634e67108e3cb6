// The tasks of the deployment: each holds one roster lease `task#<n>` (the lowest n free, below
// ROSTER_SIZE), renewed with the same LeaseRepository and ttl as the login slots. Each refresh costs
// one UpdateItem (the renewal; PutItems only while joining) and one BatchGetItem of the ROSTER_SIZE
// keys; from it a task learns the live tasks and its own rank among them (slot-assignment.ts). A
// task that died stops renewing and drops out of everyone's view once its lease expires. A standby
// also asks departed() in between (slot-coordinator.ts): one BatchGetItem of the other live tasks'
// keys only (one key with the usual one other task), so it learns of a task's stop within that
// read's interval and at a small fraction of a full roster read.
// Tasks rank by when they joined, oldest first, not by index: a deploy's new task may take a lower
// index than the running one (left free by the task before it), and ranking first it would be
// assigned the running task's slots before it has shown it can bind. Joining last, it stands by.
// A task that finds every index held is not in the roster: its view has no rank, it is assigned
// nothing (a healthy standby, not a task failing its health check for ECS to replace in a loop)
// and tries to join again at each refresh. CDK keeps a deployment's tasks within ROSTER_SIZE
// (cdk/constructs/compute/bind-limits.ts), so this is a stray task, not a deploy's.
import type { LeaseHolder } from '#core/aws/lease.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { LeaseStore } from './login-lease.ts';
import { lowestFreeIndex } from './slot-assignment.ts';

/**
 * Most tasks one deployment runs at once (a 33rd stands by, outside the roster, for a free index).
 * cdk/constructs/compute/bind-limits.ts holds the same number (cdk/ imports no bind-service code).
 */
export const ROSTER_SIZE = 32;

/** `task#<n>`: no slot key takes this form (login-lease.ts, slotKey). */
export const rosterKey = (index: number): string => `task#${index}`;

const ROSTER_KEYS = Array.from({ length: ROSTER_SIZE }, (_, index) => rosterKey(index));

export interface RosterView {
  /** Roster indices of the live tasks, this one included (when it joined), oldest first. */
  live: number[];
  /** This task's place among them; undefined while every index is held by others (not joined). */
  rank: number | undefined;
}

export interface TaskRosterOptions {
  leases: Omit<LeaseStore, 'currentHolder'> & {
    /** The live holders of these keys, in one read. */
    holders(keys: readonly string[]): Promise<Map<string, LeaseHolder>>;
  };
  owner: string;
  ttlMs: number;
  log: Logger;
}

export class TaskRoster {
  private index: number | undefined;
  /** Refreshes overlap when the store is slow; while not joined, they share one (one join). */
  private joining: Promise<RosterView | undefined> | undefined;
  /** The other live tasks at the last read: roster key → owner. */
  private others = new Map<string, string>();
  /** The last read found every index held (said once per streak). */
  private full = false;

  constructor(private readonly options: TaskRosterOptions) {}

  /** This task's roster index, once joined. */
  get joined(): number | undefined {
    return this.index;
  }

  /**
   * Renews this task's roster lease (or joins), then reads the roster. Undefined when the store did
   * not answer: the caller keeps what it holds and asks again next time. A view without a rank when
   * no index is free: the task stands by and tries to join at the next refresh.
   */
  refresh(): Promise<RosterView | undefined> {
    if (this.index !== undefined) return this.read();
    this.joining ??= this.read().finally(() => {
      this.joining = undefined;
    });
    return this.joining;
  }

  private async read(): Promise<RosterView | undefined> {
    const { leases, owner, ttlMs, log } = this.options;
    try {
      if (this.index !== undefined && !(await leases.renewLease(rosterKey(this.index), owner, ttlMs))) {
        log.warn('roster lease taken over by another task; joining again', { lease: rosterKey(this.index) });
        this.index = undefined;
      }
      const holders = await leases.holders(ROSTER_KEYS);
      const live = ROSTER_KEYS.flatMap((key, index) => {
        const holder = holders.get(key);
        return holder && holder.owner !== owner ? [index] : [];
      });
      this.others = new Map(
        live.map((index) => [rosterKey(index), holders.get(rosterKey(index))?.owner ?? '']),
      );
      // Ours already (a join whose answer was lost): kept, not joined twice.
      const mine = ROSTER_KEYS.findIndex((key) => holders.get(key)?.owner === owner);
      if (this.index === undefined && mine !== -1) this.index = mine;
      if (this.index === undefined) this.index = await this.join(live);
      if (this.index === undefined) {
        if (!this.full) {
          this.full = true;
          log.warn('every roster index is held by another live task: standing by until one is free', {
            size: ROSTER_SIZE,
            live: live.length,
          });
        }
        return { live: byJoinTime(live, holders, -1), rank: undefined };
      }
      this.full = false;
      const all = byJoinTime([...live, this.index], holders, this.index);
      return { live: all, rank: all.indexOf(this.index) };
    } catch (error) {
      log.warn('task roster could not be read; keeping the current slots', { error });
      return undefined;
    }
  }

  /**
   * Whether a task seen live at the last read has left since (released its roster lease, or let it
   * lapse): only then can a standby be assigned a slot (a task joining never gives it one). Reads
   * the other live tasks' keys alone; false when there are none or the store does not answer.
   */
  async departed(): Promise<boolean> {
    const others = [...this.others];
    if (others.length === 0) return false;
    try {
      const holders = await this.options.leases.holders(others.map(([key]) => key));
      return others.some(([key, owner]) => holders.get(key)?.owner !== owner);
    } catch (error) {
      this.options.log.debug('task roster could not be checked; the next read tells', { error });
      return false;
    }
  }

  /** Whether `owner` is this task, or was among the live tasks at the last read. */
  isLive(owner: string): boolean {
    return owner === this.options.owner || [...this.others.values()].includes(owner);
  }

  /** At stop, after every slot was given up: the other tasks take this one's share at once. */
  async release(): Promise<void> {
    const index = this.index;
    this.index = undefined;
    if (index === undefined) return;
    await this.options.leases.releaseLease(rosterKey(index), this.options.owner).catch((error: unknown) => {
      this.options.log.warn('roster lease not released; it expires on its own', { error });
    });
  }

  private async join(taken: number[]): Promise<number | undefined> {
    const { leases, owner, ttlMs, log } = this.options;
    const tried = [...taken];
    for (let index = lowestFreeIndex(tried, ROSTER_SIZE); index !== undefined; ) {
      if (await leases.acquireLease(rosterKey(index), owner, ttlMs)) {
        log.info('joined the task roster', { lease: rosterKey(index) });
        return index;
      }
      // Another task starting at the same moment took it: the next one.
      tried.push(index);
      index = lowestFreeIndex(tried, ROSTER_SIZE);
    }
    return undefined;
  }
}

/**
 * Live roster indices, the task that joined first first (ties by index). This task, joined after
 * the read, has no entry yet: it is the newest. An entry without its join time ranks first, as the
 * oldest it most likely is.
 */
function byJoinTime(indices: number[], holders: ReadonlyMap<string, LeaseHolder>, own: number): number[] {
  const joinedAt = (index: number) => {
    const holder = holders.get(rosterKey(index));
    if (index === own && holder === undefined) return Number.POSITIVE_INFINITY;
    return holder?.acquiredAtMs ?? 0;
  };
  return indices.sort((a, b) => {
    const [at, bt] = [joinedAt(a), joinedAt(b)];
    return at === bt ? a - b : at < bt ? -1 : 1;
  });
}
