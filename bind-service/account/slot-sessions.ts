// One login's slots in this task: a session (SmppClient) per slot whose lease the task holds. The
// coordinator (slot-coordinator.ts) says which slots are assigned here; a slot assigned and free
// (or lapsed) is taken, retried every `retryMs` while its old holder still has it; a slot no longer
// assigned is given up gracefully (out of the pool, its window drained and the long messages on it
// let finish their parts while the lease is still renewed, unbind, lease released: SmppClient.stop)
// so its new owner can take it; a slot whose lease is lost stops its one session at once (unbind
// first; what was unanswered resolves `unknown`; while it drains, the drain ends), not the others.
// While another task holds a slot beyond the login's binds (a deploy lowering them), no slot is
// taken and no session binds (login-lease.ts, slotHeldBeyond): the task stands by until that task
// releases it.
import { setTimeout as delay } from 'node:timers/promises';
import type { SmppClient, StopOptions } from '#bind-service/smpp/index.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { LoginLease } from '../dispatch/binds/login-lease.ts';

/** What a slot needs of its session (SmppClient satisfies it). */
export type SlotSession = Pick<SmppClient, 'stop'>;

export interface SlotSessionsOptions<C extends SlotSession = SmppClient> {
  /** A fresh lease on slot `index`. */
  lease: (index: number) => LoginLease;
  /** Makes, wires and starts the slot's session; every bind asks `bindPermit` first. */
  open: (index: number, bindPermit: () => Promise<boolean>) => C;
  /** The session is about to stop: take it out of the pool, so nothing new goes on it. */
  leaving: (client: C) => void;
  /** The session has stopped: its listeners may go. */
  closed: (client: C) => void;
  /** The count of held slots changed (a slot taken, given up or lost). */
  onChange: (held: number) => void;
  /** A session could not be opened (a bug, or a setting start did not catch): its lease is given back. */
  failed: (error: Error) => void;
  /** A slot beyond the login's binds that another task holds (slotHeldBeyond), or undefined. */
  heldBeyond: () => Promise<{ key: string; owner: string } | undefined>;
  /**
   * It became a standby (standby below): health then asks for proof that this task can reach the
   * SMSC (reachability-probe.ts). Called again at each assignment that leaves it one.
   */
  standingBy?: () => void;
  retryMs: number;
  /**
   * The graceful give-up's drain (in-flight answers, and the later parts of long messages already on
   * the session). The lease is renewed meanwhile; when it is lost the drain ends at once and the
   * session unbinds in the third of the ttl left before another task may take the slot.
   */
  drainMs: number;
  log: Logger;
}

interface Slot<C> {
  key: string;
  lease: LoginLease;
  client: C;
  phase: 'held' | 'leaving';
  /** Aborted when the lease is lost while the session drains. */
  drainCut: AbortController;
}

export class SlotSessions<C extends SlotSession = SmppClient> {
  private assigned = new Set<number>();
  private readonly slots = new Map<number, Slot<C>>();
  private readonly acquiring = new Set<number>();
  private readonly pending = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;
  /** An assignment came (the roster was read at least once). */
  private known = false;
  /** Assigned slots not taken because another task holds a slot beyond the login's binds. */
  private readonly heldBack = new Set<number>();

  constructor(private readonly options: SlotSessionsOptions<C>) {}

  get held(): number {
    return [...this.slots.values()].filter((slot) => slot.phase === 'held').length;
  }

  /** Held slots (index order) with their sessions. */
  get sessions(): { index: number; client: C }[] {
    return [...this.slots.entries()]
      .filter(([, slot]) => slot.phase === 'held')
      .sort(([a], [b]) => a - b)
      .map(([index, slot]) => ({ index, client: slot.client }));
  }

  /**
   * Another task binds this login: assigned nothing after the roster was read, or every slot assigned
   * held back for a task with more binds (healthy meanwhile: a deploy stops that task only once this
   * one reports healthy).
   */
  get standby(): boolean {
    const waiting = [...this.assigned].every((index) => this.heldBack.has(index));
    return this.known && waiting && this.slots.size === 0;
  }

  assign(indices: readonly number[]): void {
    if (this.stopped) return;
    this.known = true;
    this.assigned = new Set(indices);
    for (const index of this.assigned) void this.acquire(index);
    for (const [index, slot] of this.slots) {
      if (slot.phase === 'held' && !this.assigned.has(index)) {
        this.track(this.leave(index, slot, 'given up', { drainTimeoutMs: this.options.drainMs }));
      }
    }
    this.noteStandby();
  }

  /** No more slots taken; waiting acquisitions end (any lease they got is released). */
  stopTaking(): void {
    this.stopped = true;
    this.abort.abort();
  }

  /** Every session stopped (as asked), then every lease released; waits for slots already leaving. */
  async stopAll(options: StopOptions): Promise<void> {
    this.stopTaking();
    const held = [...this.slots.values()].filter((slot) => slot.phase === 'held');
    await Promise.all(held.map((slot) => this.finish(slot, options)));
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private noteStandby(): void {
    if (this.standby) this.options.standingBy?.();
  }

  private track(work: Promise<void>): void {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async acquire(index: number): Promise<void> {
    if (this.acquiring.has(index) || this.slots.has(index)) return;
    this.acquiring.add(index);
    const { log, retryMs } = this.options;
    const lease = this.options.lease(index);
    let waitLogged = false;
    let backLogged = false;
    try {
      while (!this.stopped && this.assigned.has(index) && !lease.held) {
        try {
          const beyond = await this.options.heldBeyond();
          if (beyond) {
            this.heldBack.add(index);
            this.noteStandby();
            if (!backLogged) {
              backLogged = true;
              log.info(
                'login slot held back: another task holds a slot beyond this login’s binds; retrying',
                {
                  lease: lease.key,
                  beyond: beyond.key,
                  holder: beyond.owner,
                  retryInMs: retryMs,
                },
              );
            }
            await delay(retryMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
            continue;
          }
          this.heldBack.delete(index);
          if (await lease.tryAcquire()) break;
          if (!waitLogged) {
            waitLogged = true;
            const holder = await lease.holder().catch(() => undefined);
            log.info('login slot assigned here is still held by another task; retrying', {
              lease: lease.key,
              holder: holder?.owner,
              expiresAt: holder?.expiresAt,
              retryInMs: retryMs,
            });
          }
        } catch (error) {
          log.warn('login slot leases could not be read or written; retrying', { lease: lease.key, error });
        }
        await delay(retryMs, undefined, { signal: this.abort.signal }).catch(() => undefined);
      }
      if (!lease.held) return;
      // Stopping, or no longer ours to take, while the lease was being written: give it straight back.
      if (this.stopped || !this.assigned.has(index)) {
        await lease.release();
        return;
      }
      this.takeOrGiveBack(index, lease);
    } finally {
      this.heldBack.delete(index);
      this.acquiring.delete(index);
    }
  }

  /**
   * Before each bind of a slot: its lease is ours (renewed) and no other task holds a slot beyond
   * the login's binds. When that read fails, the lease's answer stands (as when the store cannot be
   * reached for the lease itself): the slots beyond were free when this slot was taken.
   */
  private async bindPermit(lease: LoginLease): Promise<boolean> {
    if (!(await lease.confirm())) return false;
    try {
      const beyond = await this.options.heldBeyond();
      if (!beyond) return true;
      this.options.log.warn('bind withheld: another task holds a slot beyond this login’s binds', {
        lease: lease.key,
        beyond: beyond.key,
        holder: beyond.owner,
      });
      return false;
    } catch (error) {
      this.options.log.warn('slots beyond the login’s binds could not be read; binding on the lease', {
        lease: lease.key,
        error,
      });
      return true;
    }
  }

  /** Nothing may escape `acquire` (nobody awaits it), and a slot without a session holds no lease. */
  private takeOrGiveBack(index: number, lease: LoginLease): void {
    try {
      this.take(index, lease);
    } catch (error) {
      void lease.release().catch(() => undefined);
      this.options.failed(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private take(index: number, lease: LoginLease): void {
    const slot: Slot<C> = {
      key: lease.key,
      lease,
      client: this.options.open(index, () => this.bindPermit(lease)),
      phase: 'held',
      drainCut: new AbortController(),
    };
    this.slots.set(index, slot);
    lease.keep((reason) => {
      if (slot.phase === 'leaving') {
        this.options.log.warn('login slot lost while its session drains; unbinding now', {
          lease: slot.key,
          reason,
        });
        slot.drainCut.abort();
        return;
      }
      this.options.log.warn('login slot lost; unbinding its session', { lease: slot.key, reason });
      this.track(this.leave(index, slot, undefined, { unbindFirst: true }));
    });
    this.options.log.info('login slot taken', { lease: slot.key });
    this.options.onChange(this.held);
  }

  private async leave(index: number, slot: Slot<C>, logAs: string | undefined, options: StopOptions) {
    if (slot.phase !== 'held') return;
    if (logAs) this.options.log.info(`login slot ${logAs}`, { lease: slot.key });
    slot.phase = 'leaving';
    this.options.onChange(this.held);
    await this.finish(slot, options);
    this.slots.delete(index);
    // Assigned here again meanwhile (the roster changed back): take it again once it is free.
    if (!this.stopped && this.assigned.has(index)) void this.acquire(index);
  }

  private async finish(slot: Slot<C>, options: StopOptions): Promise<void> {
    slot.phase = 'leaving';
    this.options.leaving(slot.client);
    await slot.client.stop({ ...options, drainCut: slot.drainCut.signal });
    this.options.closed(slot.client);
    await slot.lease.release();
  }
}
