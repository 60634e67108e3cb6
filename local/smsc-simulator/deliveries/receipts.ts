// Delivers receipts like the provider: to a receiving session of the account (the submitting one
// if it is still there), held while none is bound, and sent again after an error answer or none.
import { type PduFields, smpp } from '#bind-service/smpp/codec.ts';
import type { SessionRegistry } from '../sessions/registry.ts';
import type { TimerSet } from '../timers.ts';
import type { ReceiptEvent, ReceiptStatText, SimulatorStats } from '../types.ts';
import { refusedForNow } from './delivery-answers.ts';

export interface ReceiptJob {
  systemId: string;
  preferredSessionId: number;
  messageId: string;
  stat: ReceiptStatText;
  err: number;
  fields: PduFields;
  attempt: number;
}

export interface ReceiptDispatcherDeps {
  registry: SessionRegistry;
  timers: TimerSet;
  stats: SimulatorStats;
  responseTimeoutMs: number;
  retryMs: number;
  onHeld: (event: ReceiptEvent) => void;
  onSent: (event: ReceiptEvent) => void;
  onAcked: (event: ReceiptEvent) => void;
}

export class ReceiptDispatcher {
  private readonly heldJobs = new Map<string, ReceiptJob[]>();
  private pendingCount = 0;
  private stopped = false;

  constructor(private readonly deps: ReceiptDispatcherDeps) {}

  /** Receipts created and not yet acknowledged: scheduled, held, in flight or waiting to retry. */
  get outstanding(): number {
    return this.pendingCount;
  }

  schedule(job: ReceiptJob, delayMs: number): void {
    if (this.stopped) return;
    this.pendingCount += 1;
    this.deps.timers.set(() => this.deliver(job), Math.max(0, delayMs));
  }

  get held(): number {
    let count = 0;
    for (const jobs of this.heldJobs.values()) count += jobs.length;
    return count;
  }

  /** A receiving session of the account bound: hand it what waited for one. */
  flush(systemId: string): void {
    const jobs = this.heldJobs.get(systemId);
    if (!jobs) return;
    this.heldJobs.delete(systemId);
    for (const job of jobs) this.deliver(job);
  }

  /** The simulator is closing: nothing is delivered or retried any more. */
  stop(): void {
    this.stopped = true;
    this.heldJobs.clear();
    this.pendingCount = 0;
  }

  private deliver(job: ReceiptJob): void {
    if (this.stopped) return;
    const session = this.deps.registry.receiver(job.systemId, job.preferredSessionId);
    if (!session) {
      const jobs = this.heldJobs.get(job.systemId) ?? [];
      jobs.push(job);
      this.heldJobs.set(job.systemId, jobs);
      this.deps.onHeld(this.event(job, 0));
      return;
    }
    job.attempt += 1;
    const event = this.event(job, session.id);
    this.deps.stats.receiptsSent += 1;
    this.deps.onSent(event);
    session.request(new smpp.PDU('deliver_sm', job.fields), this.deps.responseTimeoutMs).then(
      (response) => {
        if (refusedForNow(response)) {
          this.retry(job);
        } else if (response.command_status === 0) {
          this.pendingCount -= 1;
          this.deps.stats.receiptsAcked += 1;
          this.deps.onAcked(event);
        } else {
          // Refused for good (ESME_RX_P_APPN): no longer owed, and not acknowledged either.
          this.pendingCount -= 1;
        }
      },
      () => this.retry(job),
    );
  }

  private retry(job: ReceiptJob): void {
    if (this.stopped) return;
    this.deps.stats.receiptRetries += 1;
    this.deps.timers.set(() => this.deliver(job), this.deps.retryMs);
  }

  private event(job: ReceiptJob, sessionId: number): ReceiptEvent {
    return {
      messageId: job.messageId,
      sessionId,
      systemId: job.systemId,
      stat: job.stat,
      err: job.err,
      attempt: job.attempt,
    };
  }
}
