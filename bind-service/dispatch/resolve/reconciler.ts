// The reconciler: an `unknown` message that has SMSC ids (the SMSC took at least a part of it) but
// whose receipt never came is asked about with QUERY_SM, and the answer is applied as its receipt
// would be: a final state resolves the message, anything else leaves it `unknown` to be asked again
// later (each time after a longer pause, at most hourly). Once its validity is long over and a day
// has passed since it was sent (the provider's err 245 comes after a day of operator silence), the
// SMSC's answer cannot change any more and the message stops being asked about: it stays `unknown`.
// - Which messages: the account's `unknown` partition of the byAttention index, oldest first, at most
//   `batch` per run, only those that needed attention at least `minAgeMs` ago (a late answer or the
//   receipt usually comes first). The default account's also reads the partition of records without
//   an account, and moves another account's message found there to that account's partition.
// - Rate: each QUERY_SM takes a token of the account's rate as `background`, which the limiter serves
//   only when no urgent or bulk message waits; one question at a time.
// - A receipt left parked under one of its ids (a crash after the `unknown` write) is applied first.
// - A message whose handling throws is put back an hour later: one bad item never holds up the rest.
// - An `unknown` message without ids (its SUBMIT_SM_RESP never reached us) has nothing to ask about;
//   its receipt, if the SMSC took it, came with an id nobody knew and waits as an orphan. Each run
//   first gives the account's such messages the one orphan receipt of its login that fits, if
//   exactly one does and it fits none of the account's other unmatched messages
//   (core/aws/messages/attention/orphan-receipts.ts); that needs no bind. Orphans
//   younger than `minAgeMs` are not taken, so a receipt whose message is merely slow to record its
//   answer is never taken.

import {
  addressFor,
  isThrottling,
  type QueryResult,
  type QuerySource,
  SmscRejectedError,
  type SourceAddressRules,
} from '#bind-service/smpp/index.ts';
import type { UnmatchedRivals } from '#core/aws/messages/attention/unmatched-rivals.ts';
import { DEFAULT_ACCOUNT_NAME } from '#core/domain/accounts/account.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { isFinalAnswer, receiptFromQuery } from '#core/domain/receipts/query-answer.ts';
import { senderSent } from '#core/domain/requests/sender-id.ts';
import type { Logger } from '#core/observability/logger.ts';
import { raceAbort } from '#core/support/abort.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { RatePort, ReconcileStore } from '../ports.ts';

export interface ReconcilerOptions {
  intervalMs: number;
  minAgeMs: number;
  batch: number;
}

/** A session QUERY_SM may go on (the engine's SmppClient is one). */
export interface QuerySession {
  readonly isBound: boolean;
  queryStatus(messageId: string, source?: QuerySource): Promise<QueryResult>;
}

export interface ReconcilerDeps {
  messages: ReconcileStore;
  /** The account's sessions: QUERY_SM goes on a bound one; a run is skipped while none is. */
  sessions: readonly QuerySession[];
  rate: Pick<RatePort, 'wait' | 'onThrottled'>;
  options: ReconcilerOptions;
  /** source_addr of messages without `from`, as they were submitted. */
  defaultSender?: string | undefined;
  /** The TON/NPI rules the submits used (SMPP_SOURCE_ADDR_*): QUERY_SM names the sender as they did. */
  sourceAddress?: SourceAddressRules;
  stats: DispatchStats;
  log: Logger;
  clock?: () => Date;
  /**
   * With several accounts, each has a reconciler: QUERY_SM must go under the login that sent the
   * message, so each asks only about its own account's messages (a record without an account is the
   * default's), and matches them only to its own login's orphan receipts (its store's lookups are
   * its login's). Absent: the one `default` account.
   */
  account?: { name: string; isDefault: boolean };
}

/** A message that stays en route is asked about again after its age, but at least hourly. */
const MAX_PAUSE_MS = 3_600_000;
/**
 * A message is asked about until both have passed: an hour after its validity ended, and a day and an
 * hour after it was sent. The provider reports an operator's silence only after a day (err 245,
 * "during the day, the delivery status was not received"), so until then even a message whose
 * validity is over may still turn out delivered. After both, no answer can change any more.
 */
const GIVE_UP_AFTER_VALIDITY_MS = 3_600_000;
const GIVE_UP_AFTER_SEND_MS = 25 * 3_600_000;

const isUnknownWithIds = (record: MessageRecord | undefined): record is MessageRecord =>
  record?.status === 'unknown' && record.smscIds.length > 0;

/**
 * Between runs while a list was full: a link lost with a window of 300 leaves 300 `unknown` messages,
 * which at 50 a run and a run a minute would take six minutes to go through.
 */
const BACKLOG_PAUSE_MS = 1_000;

/** Later than any `attentionAt`: lists every unmatched message, whenever its next look is due. */
const ANY_TIME = new Date('9999-12-31T23:59:59.999Z');

export class Reconciler {
  private readonly clock: () => Date;
  /**
   * When the orphans marked and no run has checked for yet may be adopted (minAgeMs after they were
   * parked): the first and the last of them, however many came between.
   */
  private orphansDue: { first: number; last: number } | undefined;
  /**
   * The check of every unmatched message under way, over as many runs as its batches take: the
   * ones it has been through.
   */
  private checkingAll: Set<string> | undefined;
  /** The newest orphan mark (orphan-mark.ts) this reconciler has acted on; 0: none yet. */
  private orphanMarkSeen = 0;
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: ReconcilerDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  start(): void {
    this.schedule();
  }

  /** No more runs; resolves when the current one has ended (it stops at its next step). */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /**
   * An unmatched message that found no orphan is looked at again only after as long again as its age
   * (up to an hour), so an orphan that comes late (the SMSC kept the receipt through an outage) would
   * wait that long for its message. Every orphan parked moves the login's mark (orphan-mark.ts), so
   * the first run once it may be adopted checks every unmatched message instead: in every task,
   * since the one that parked it may stop or die before its own next run, and in one that starts
   * after it (its first mark read is new to it). Unreadable, the next run reads it.
   */
  private async noteOrphansParked(): Promise<void> {
    const at = await this.deps.messages.lastOrphanParkedAt().catch(() => undefined);
    if (!at || at.getTime() <= this.orphanMarkSeen) return;
    this.orphanMarkSeen = at.getTime();
    this.checkEveryOneFrom(at.getTime() + this.deps.options.minAgeMs);
  }

  /** The first run from `at` on checks every unmatched message. */
  private checkEveryOneFrom(at: number): void {
    const due = this.orphansDue;
    this.orphansDue = due
      ? { first: Math.min(due.first, at), last: Math.max(due.last, at) }
      : { first: at, last: at };
  }

  /**
   * Whether an orphan marked may now be adopted. The run that says so starts a check of every
   * unmatched message; the orphans marked after (not yet old enough) start one from the last one's
   * time on.
   */
  private orphanNowAdoptable(now: Date): boolean {
    const due = this.orphansDue;
    if (!due || due.first > now.getTime()) return false;
    this.orphansDue = due.last > now.getTime() ? { first: due.last, last: due.last } : undefined;
    return true;
  }

  /**
   * One run over at most `batch` messages of each list. Never throws. True when a list was full:
   * more may be waiting, and the next run comes BACKLOG_PAUSE_MS later instead of an interval.
   */
  async run(): Promise<boolean> {
    const { messages, options, log, sessions } = this.deps;
    let more = false;
    try {
      more = await this.matchOrphans();
      if (!sessions.some((session) => session.isBound)) return more;
      const before = new Date(this.clock().getTime() - options.minAgeMs);
      const { name, isDefault } = this.account;
      // Each partition has its own `batch`: the one without an account empties as it is read.
      for (const partition of isDefault ? [name, undefined] : [name]) {
        const ids = await messages.unknownToQuery(partition, before, options.batch);
        more ||= ids.length >= options.batch;
        for (const id of ids) {
          if (this.stopping.signal.aborted) return more;
          await this.isolated(
            id,
            () => this.reconcile(id),
            (at) => messages.nextQueryAt(id, this.account.name, at),
          );
        }
      }
    } catch (error) {
      if (!this.stopping.signal.aborted) log.warn('reconciler run ended early', { error });
    }
    return more;
  }

  private schedule(delayMs = this.deps.options.intervalMs): void {
    if (this.stopping.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.run().then((more) => {
        this.running = undefined;
        const { intervalMs } = this.deps.options;
        this.schedule(more ? Math.min(BACKLOG_PAUSE_MS, intervalMs) : intervalMs);
      });
    }, delayMs);
  }

  private async reconcile(id: string): Promise<void> {
    const { messages, stats, log } = this.deps;
    let record = await messages.get(id);
    // The index lags the table: resolved meanwhile.
    if (!isUnknownWithIds(record)) return;
    // Another account's, listed without one (by an earlier version): its own reconciler asks, under
    // its login, once it is in that account's partition. An account removed from the file has none:
    // its messages wait there, unasked, until it is back or their records expire.
    if (!this.owns(record)) {
      log.info('unknown message moved to its account’s reconciler', { id, account: record.account });
      await messages.nextQueryAt(id, record.account, new Date(Date.parse(record.updatedAt)));
      return;
    }
    if ((await messages.applyParkedReceipts(id)) > 0) record = await messages.get(id);
    if (isUnknownWithIds(record)) await this.ask(record);
    const after = await messages.get(id);
    if (after?.status !== 'unknown') {
      stats.unknownResolved += 1;
      log.info('unknown message resolved', { id, status: after?.status });
      return;
    }
    const next = this.nextLook(after);
    if (next) log.info('still unknown after QUERY_SM; asked again later', { id, at: next.toISOString() });
    else log.warn('unknown message: its validity and a day since its send are over; no longer asked', { id });
    await messages.nextQueryAt(id, this.account.name, next);
  }

  private get account(): { name: string; isDefault: boolean } {
    return this.deps.account ?? { name: DEFAULT_ACCOUNT_NAME, isDefault: true };
  }

  private owns(record: MessageRecord): boolean {
    const { name, isDefault } = this.account;
    return record.account === undefined ? isDefault : record.account === name;
  }

  /**
   * The account's unknown messages without ids, each with its login's orphan receipt that fits, if
   * one does. True when the list was full.
   */
  private async matchOrphans(): Promise<boolean> {
    const { messages, options, log } = this.deps;
    // One view of the account's unmatched messages for the whole run: an orphan that fits one of
    // them is adopted only if it fits none of the others (they are read once, not once a message).
    const rivals = messages.unmatchedRivals();
    await this.noteOrphansParked();
    const now = this.clock();
    // A newer orphan may fit a message the check under way has been through: it starts over.
    if (this.orphanNowAdoptable(now)) this.checkingAll = new Set();
    const checked = this.checkingAll;
    try {
      // The store may not answer: a check of every message under way goes on at the next run.
      const listed = await messages.unmatchedToCheck(checked ? ANY_TIME : now, options.batch);
      const ids = checked ? listed.filter((id) => !checked.has(id)) : listed;
      const full = listed.length >= options.batch;
      // A message checked goes behind the others (its next look is as far off as its age, and theirs
      // were set when they were younger), so a listing that is not full or holds none unchecked
      // ends the check of every message; more would go round again.
      if (checked && (!full || ids.length === 0)) this.checkingAll = undefined;
      for (const id of ids) {
        if (this.stopping.signal.aborted) break;
        checked?.add(id);
        await this.isolated(
          id,
          () => this.matchOrphan(id, rivals),
          (at) => messages.nextMatchAt(id, at),
        );
      }
      return full && ids.length > 0;
    } finally {
      if (rivals.overflowed) {
        log.warn('too many unmatched messages to tell whose orphan receipt is whose; none adopted', {
          account: this.account.name,
        });
      }
    }
  }

  private async matchOrphan(id: string, rivals: UnmatchedRivals): Promise<void> {
    const { messages, options, stats, log } = this.deps;
    if (await this.handedOver(id)) return;
    const match = await messages.matchOrphanReceipt(id, { minOrphanAgeMs: options.minAgeMs, rivals });
    if (match === 'matched') {
      const after = await messages.get(id);
      if (after?.status !== 'unknown') stats.unknownResolved += 1;
      log.info('unknown message matched to its orphan receipt', { id, status: after?.status });
      return;
    }
    if (match === 'ambiguous')
      log.warn('the orphan receipts that fit an unknown message are ambiguous; left unknown', { id });
    const record = match === 'not-eligible' ? undefined : await messages.get(id);
    // Not eligible (several parts, resolved meanwhile): it leaves the index.
    await messages.nextMatchAt(id, record ? this.nextLook(record, 0) : undefined);
  }

  /**
   * One message's work, kept from ending the run: a message that throws every time (an item that
   * does not parse, a write refused for it alone) would end every run at the same oldest message,
   * and none behind it would ever be asked about. It is put back an hour later. When that write
   * fails too, the store is failing for all: the run ends rather than try each message.
   */
  private async isolated(
    id: string,
    work: () => Promise<void>,
    putBack: (at: Date) => Promise<void>,
  ): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (this.stopping.signal.aborted) throw error;
      const at = new Date(this.clock().getTime() + MAX_PAUSE_MS);
      await putBack(at);
      this.deps.log.warn('unknown message not reconciled; looked at again later', {
        id,
        at: at.toISOString(),
        error,
      });
    }
  }

  /**
   * Another account's unmatched message, in this account's list (earlier versions listed every
   * account's with the default's): the default hands it to its account, any other to the default.
   */
  private async handedOver(id: string): Promise<boolean> {
    const record = await this.deps.messages.get(id);
    if (record?.status !== 'unknown' || this.owns(record)) return false;
    const to = this.account.isDefault ? record.account : undefined;
    this.deps.log.info('unmatched message handed to its account', { id, account: record.account });
    await this.deps.messages.handOverUnmatched(id, to, new Date(Date.parse(record.updatedAt)));
    return true;
  }

  /** QUERY_SM for each of its ids; final answers are applied as receipts. */
  private async ask(record: MessageRecord): Promise<void> {
    const { messages, rate, sessions, stats, log } = this.deps;
    const sender = senderSent(record.kind, record.from, this.deps.defaultSender);
    const source = addressFor(sender, this.deps.sourceAddress);
    for (const smscId of record.smscIds) {
      const token = rate.wait('background');
      token.catch(() => undefined);
      await raceAbort(token, this.stopping.signal);
      if (this.stopping.signal.aborted) return;
      let answer: QueryResult;
      try {
        const session = sessions.find((candidate) => candidate.isBound);
        if (!session) return;
        answer = await session.queryStatus(smscId, source);
      } catch (error) {
        // The speed monitor counts QUERY_SM too: a throttled question slows the login as a submit does.
        if (error instanceof SmscRejectedError && isThrottling(error.commandStatus)) rate.onThrottled();
        log.warn('QUERY_SM not answered', { id: record.id, smscId, error });
        continue;
      }
      stats.queries += 1;
      const receipt = receiptFromQuery(smscId, answer);
      if (isFinalAnswer(receipt)) await messages.applyReceipt(receipt);
    }
  }

  /**
   * When to ask again: after the message's age (at most an hour); never once nothing can change any
   * more (GIVE_UP_AFTER_*). `listedAfterMs`: how old its attentionAt must be before it is listed
   * again (minAgeMs for QUERY_SM).
   */
  private nextLook(record: MessageRecord, listedAfterMs = this.deps.options.minAgeMs): Date | undefined {
    const now = this.clock().getTime();
    const createdAt = Date.parse(record.createdAt);
    const validityOver = createdAt + record.validityMinutes * 60_000 + GIVE_UP_AFTER_VALIDITY_MS;
    // The last claim is when it went to the SMSC (a bulk message may have waited days before).
    const claims = record.history.filter((change) => change.status === 'submitting');
    const sentAt = Date.parse(claims.at(-1)?.at ?? record.createdAt);
    if (now > Math.max(validityOver, sentAt + GIVE_UP_AFTER_SEND_MS)) return undefined;
    const pause = Math.min(Math.max(now - createdAt, 0), MAX_PAUSE_MS);
    return new Date(now + pause - listedAfterMs);
  }
}
