// One SQS message from the queue to the SMSC, as a sequence of port calls:
//   parse & prepare (no I/O) → still valid? → a place in the lane's claim gate → a bind with a free
//   slot → still valid? → claim (accepted → submitting; the record is created first when nobody made
//   it) → rate token (urgent first) → parts on that bind → state write + SQS delete.
// The claim comes as late as possible: a message waiting for its turn is not claimed, so a stop or
// crash meanwhile leaves it `accepted` and SQS simply delivers it again. A message claimed before (an
// SQS redelivery, or a copy of the send) is never sent again; the claim names the queue message, the
// receive and the task that hold it, so only that message's own redelivery may declare the outcome
// unknown, and not while that task is alive and still at work on it (redelivery.ts); a retried
// claim write recognises the claim it made itself. A message whose id names a record of other
// content (a publisher's id used again) is neither: it is dead-lettered `id_reused` (reused-id.ts).
// A valid message that cannot go now is given back with a growing pause (give-back.ts) until its
// validity passes, then it ends `expired` (expiry.ts); only invalid messages are dead-lettered.
// The rate token comes AFTER the claim, right before the SUBMIT_SM: a token taken first would wait
// out a slow claim write, and when the store stalls, the tokens of every waiting message go on the
// wire together, above the account's rate (the SMSC then answers ESME_RTHROTTLED). The claim gate
// keeps the messages claimed ahead of their token few.

import type { ClaimResult } from '#core/aws/messages/message-repository.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import type { Priority } from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import { ABORTED, onAbort, raceAbort } from '#core/support/abort.ts';
import { crashPoint } from '../../crash-points.ts';
import { ClaimGate } from '../flow/claim-gate.ts';
import { ClaimLatency } from '../flow/claim-latency.ts';
import { type PipelineFigures, PipelineStages } from '../flow/stages.ts';
import type { DispatchStats } from '../flow/stats.ts';
import { claimHolder, queueMessageId } from '../intake/derived-id.ts';
import { type GiveBackBackoff, giveBack, giveBackSeconds } from '../intake/give-back.ts';
import type { HeldMessage } from '../intake/held-messages.ts';
import { rejectMalformed } from '../intake/malformed.ts';
import { type AntiLoopPort, admitStraightToQueue } from '../intake/queue-guard.ts';
import { type ParsedQueueMessage, parseQueueMessage } from '../intake/queue-message.ts';
import type { LaneQueue } from '../intake/sqs-lane.ts';
import type { MessageStore, RatePort, RateReading } from '../ports.ts';
import { claimContentOf, createAcceptedRecord } from './accepted-record.ts';
import { acceptedAtMs, expireIfDue, validityPeriodAt } from './expiry.ts';
import type { RetryPolicy } from './part-action.ts';
import { recordOutcome } from './record-outcome.ts';
import { type ClaimTasks, dropRedelivery } from './redelivery.ts';
import type { PatientRetry, WriteRetry } from './retry.ts';
import { refuseReusedId } from './reused-id.ts';
import {
  partsAllowanceMs,
  type SendResult,
  STOPPING,
  type Submitter,
  sendParts,
  VALIDITY_PASSED,
} from './send-parts.ts';
import { claimOrRelease } from './unanswered-claim.ts';

/** Where the pipeline gets a bind with a free window slot (BindPool); undefined once none will come. */
export interface BindSource {
  acquire(signal?: AbortSignal): Promise<Submitter | undefined>;
}

export interface PipelineDeps {
  messages: MessageStore;
  queues: Record<Priority, LaneQueue>;
  binds: BindSource;
  /** currentRate sizes the claim gates. */
  rate: RatePort & RateReading;
  prepare: Parameters<typeof parseQueueMessage>[1];
  stats: DispatchStats;
  log: Logger;
  /** Aborted when the service stops taking work: messages not claimed yet are given back. */
  stopTaking: AbortSignal;
  clock?: () => Date;
  policy?: RetryPolicy;
  writeRetry?: WriteRetry;
  /** Back-off of the writes that record what went on the wire (retried until near the deadline). */
  patientRetry?: PatientRetry;
  /** Visibility back-off of a valid message given back unsent; default DEFAULT_GIVE_BACK. */
  requeueBackoff?: GiveBackBackoff;
  /** The SINGLE flag: every part gets its own SMSC id (and receipt). */
  singleIds?: boolean;
  /** The provider's anti-loop rules, for messages nobody recorded before (straight to SQS). */
  guard?: AntiLoopPort;
  /** All parts of a long message within this of the first (default PARTS_WINDOW_MS). */
  partsWindowMs?: number;
  /** Claims name this task, and a redelivery under a live task's young claim is given back (redelivery.ts). */
  claimTasks?: ClaimTasks;
}

type Valid = Extract<ParsedQueueMessage, { ok: true }>;
type Claim = 'claimed' | 'handled' | 'leave';

/**
 * Claimed messages waiting for their first token, per lane: what the current rate sends while a
 * claim write is answered (its smoothed latency and spread, claim-latency.ts, between 0.5 and 2 s),
 * at least MIN_CLAIMED_AHEAD. Fewer and the rate falls to what the claims let through; more and a
 * crash leaves more messages claimed but unsent (claim-gate.ts).
 */
const MIN_CLAIMED_AHEAD = 2;
/** The record of what went on the wire is given up this long before the SQS message becomes visible. */
const VISIBILITY_MARGIN_MS = 5_000;
/** Once the service stops taking work, that record is retried this long at most (the stop waits). */
const STOPPING_RECORD_MS = 5_000;

const NOT_SENT_STOPPING: SendResult = { kind: 'not-sent', reason: STOPPING };

export class SubmitPipeline {
  private readonly clock: () => Date;
  private readonly gates: Record<Priority, ClaimGate>;
  private readonly claimLatency = new ClaimLatency();
  private readonly stages = new PipelineStages();
  private readonly claimAheadLimit: () => number;
  /** Monotonic ms at which the service stopped taking work. */
  private stoppedAt = Number.POSITIVE_INFINITY;

  constructor(private readonly deps: PipelineDeps) {
    this.clock = deps.clock ?? (() => new Date());
    this.claimAheadLimit = () =>
      Math.max(MIN_CLAIMED_AHEAD, Math.ceil(deps.rate.currentRate * this.claimLatency.coverSeconds()));
    this.gates = { urgent: new ClaimGate(this.claimAheadLimit), bulk: new ClaimGate(this.claimAheadLimit) };
    onAbort(deps.stopTaking, () => {
      this.stoppedAt = performance.now();
    });
  }

  /** Where the messages held are now (/healthz). */
  figures(): PipelineFigures {
    return this.stages.figures(this.claimAheadLimit());
  }

  /**
   * Never throws: every failure ends logged, with the message deleted or given back for later.
   * `queue`: where to delete or give it back (the lanes pass one that notes the worker's last word).
   */
  async process(held: HeldMessage, queue: LaneQueue = this.deps.queues[held.lane]): Promise<void> {
    const later = giveBackSeconds(held.receiveCount, this.deps.requeueBackoff);
    try {
      const parsed = parseQueueMessage(held.body, this.deps.prepare);
      if (!parsed.ok) {
        await rejectMalformed(held, parsed, queue, {
          ...this.deps,
          clock: this.clock,
          giveBackSeconds: later,
        });
        return;
      }
      await this.send(held, parsed, queue);
    } catch (error) {
      // E.g. the store is down before the claim: nothing was sent, so it goes again, after a pause
      // that grows with each receive (never towards a dead-letter queue; see give-back.ts).
      this.deps.log.error('queue message not processed; given back for a later attempt', {
        lane: held.lane,
        sqsMessageId: held.sqsMessageId,
        visibilitySeconds: later,
        error,
      });
      await giveBack(queue, held, later, this.deps.log);
    }
  }

  private async send(held: HeldMessage, parsed: Valid, queue: LaneQueue): Promise<void> {
    const { binds, stopTaking } = this.deps;
    const id = queueMessageId(held, parsed.raw);
    // Stopping: visible again at once, for whichever task takes over.
    const giveBackNow = () => giveBack(queue, held, 0, this.deps.log);
    const expired = () =>
      expireIfDue(
        id,
        { minutes: parsed.prepared.validityMinutes, bodyAcceptedAt: parsed.message.acceptedAt },
        held,
        queue,
        {
          ...this.deps,
          clock: this.clock,
          createRecord: async () => {
            await this.createRecord(id, parsed, held);
          },
        },
      );
    if (await expired()) return;
    const gate = this.gates[held.lane];
    if (!(await gate.enter(stopTaking))) return giveBackNow();
    let inGate = true;
    const leaveGate = () => {
      if (inGate) gate.leave();
      inGate = false;
    };
    try {
      const bind = await binds.acquire(stopTaking);
      if (!bind) return await giveBackNow();
      // The wait for a bind may have been long (no bind for hours): still valid?
      if (await expired()) return;
      const claim = await this.stages.during('claiming', () => this.claim(id, parsed, held, queue));
      if (claim !== 'claimed') return;
      crashPoint('after-claim');
      const tokenTaken = await this.stages.during('awaitingToken', () => this.firstToken(held.lane));
      leaveGate();
      // Throttled with nothing at the SMSC, the message is claimed and unsent again: back in the gate
      // (over its capacity if need be) until it is taken, so no new claim joins it meanwhile. Else a
      // throttling SMSC let the claimed-but-unsent group grow to the whole lane, each a message a
      // crash leaves `unknown` although the SMSC never took it.
      const unsentWhileClaimed = (unsent: boolean) => {
        if (unsent && !inGate) gate.occupy();
        else if (!unsent && inGate) gate.leave();
        inGate = unsent;
      };
      // Stopping before the token: nothing went on the wire, so the claim is given back.
      const result = tokenTaken
        ? await this.sendParts(bind, id, parsed, held, unsentWhileClaimed)
        : NOT_SENT_STOPPING;
      unsentWhileClaimed(false);
      // Until the outcome is written, not through the SQS delete (batched, it may linger 200 ms).
      const recorded = this.stages.enter('recording');
      const subject = {
        id,
        kind: parsed.prepared.kind,
        account: parsed.account.name,
        parts: parsed.prepared.parts,
      };
      await recordOutcome(subject, result, held, queue, {
        ...this.deps,
        releaseDelaySeconds: giveBackSeconds(held.receiveCount, this.deps.requeueBackoff),
        recordDeadline: () => this.recordDeadline(held),
        onRecorded: recorded,
      }).finally(recorded);
    } finally {
      leaveGate();
    }
  }

  /** Writes about what this receive did are given up then (monotonic ms): before SQS shows the message again. */
  private recordDeadline(held: HeldMessage): number {
    return Math.min(held.visibleUntil - VISIBILITY_MARGIN_MS, this.stoppedAt + STOPPING_RECORD_MS);
  }

  /** Sends the claimed message's parts; the first part's token is already taken. */
  private async sendParts(
    bind: Submitter,
    id: string,
    parsed: Valid,
    held: HeldMessage,
    onUnsentWhileClaimed: (unsent: boolean) => void,
  ): Promise<SendResult> {
    try {
      const minutes = parsed.prepared.validityMinutes;
      const acceptedAt = acceptedAtMs(id, held.sentTimestampMs, parsed.message.acceptedAt);
      // A long message starts only with enough validity left for its later parts too; once it is on
      // the wire, a later part is refused only when the validity has actually passed.
      const reserveMs = partsAllowanceMs(parsed.submits.length, this.deps.partsWindowMs);
      const startBy = acceptedAt === undefined ? undefined : acceptedAt + minutes * 60_000 - reserveMs;
      // What is left when each SUBMIT_SM is written: a resend after throttling, a later part, or one
      // that waited for a window slot carries less than the first try did, and none goes once too
      // little is left (the check before it came ahead of that wait).
      const validity = (reserve: number) => () =>
        validityPeriodAt(minutes, acceptedAt, this.clock().getTime(), reserve);
      const submits = parsed.submits.map((fields, index) => ({
        ...fields,
        validity_period: validity(index === 0 ? reserveMs : 0),
      }));
      const result = await sendParts(bind, submits, held.lane, {
        rate: this.deps.rate,
        messageId: id,
        ...(this.deps.policy ? { policy: this.deps.policy } : {}),
        ...(this.deps.partsWindowMs ? { partsWindowMs: this.deps.partsWindowMs } : {}),
        onThrottled: () => {
          this.deps.stats.throttled += 1;
        },
        onAnswered: () => {
          this.deps.stats.submitAnswers += 1;
        },
        onUnsentWhileClaimed,
        ...(startBy === undefined ? {} : { validityPassed: () => this.clock().getTime() >= startBy }),
      });
      // Too late to start, yet its validity not over (a long message inside its parts' allowance): it
      // comes back when the validity ends, to be expired by that receive, not at once to be claimed
      // and given back again on every receive until then.
      if (result.kind !== 'not-sent' || result.reason !== VALIDITY_PASSED || acceptedAt === undefined)
        return result;
      const leftMs = acceptedAt + minutes * 60_000 - this.clock().getTime();
      return leftMs > 0 ? { ...result, giveBackSeconds: Math.ceil(leftMs / 1_000) } : result;
    } catch (error) {
      // A bug after the claim: whatever went out is not known, so it must not go out again.
      return {
        kind: 'unknown',
        reason: `Submitting failed unexpectedly: ${String(error)}`,
        smscIds: [],
        partsOnWire: parsed.submits.length,
      };
    }
  }

  /** Waits for the first part's rate token (urgent lane first); false when stopping. */
  private async firstToken(lane: Priority): Promise<boolean> {
    const { rate, stopTaking } = this.deps;
    if (stopTaking.aborted) return false;
    const token = rate.wait(lane);
    // A token granted after we gave up (or refused at close) is simply dropped.
    token.catch(() => undefined);
    return raceAbort(token, stopTaking).then(
      (outcome) => outcome !== ABORTED,
      () => false,
    );
  }

  private async claim(id: string, parsed: Valid, held: HeldMessage, queue: LaneQueue): Promise<Claim> {
    const { messages, guard } = this.deps;
    const context = { lane: held.lane, id, sqsMessageId: held.sqsMessageId };
    const holder = claimHolder(held, this.deps.claimTasks?.self);
    // Wherever another receive made the record, it must be this message's before this one may
    // claim it or be dropped as its copy: an id reused for other content is refused (reused-id.ts).
    // Asked once, and never on the normal path: there the claim's own condition holds the record to
    // this message's content (its fingerprint), and only a record that fails it is read.
    let compared = false;
    let readByClaim: MessageRecord | undefined;
    const reusedId = async (): Promise<boolean> => {
      if (compared) return false;
      compared = true;
      const deps = {
        ...this.deps,
        clock: this.clock,
        giveBackSeconds: giveBackSeconds(held.receiveCount, this.deps.requeueBackoff),
      };
      return refuseReusedId(id, parsed, held, queue, deps, readByClaim);
    };
    const content = {
      ...claimContentOf(id, parsed, held, this.clock()),
      onUnmatched: (record: MessageRecord) => {
        readByClaim = record;
      },
    };
    const claimOnce = (admitted: boolean) =>
      claimOrRelease(
        () =>
          messages.claimForSubmit(id, holder, {
            urgent: held.lane === 'urgent',
            admitted,
            // Once compared (and not refused), the record is this message's: content never changes.
            ...(compared ? {} : { content }),
          }),
        { id, holder, deadline: () => this.recordDeadline(held), context },
        this.deps,
      );
    const claim = async (admitted = false): Promise<ClaimResult | 'refused'> => {
      const result = await claimOnce(admitted);
      if (result !== 'unmatched-content') return result;
      return (await reusedId()) ? 'refused' : claimOnce(admitted);
    };
    const started = performance.now();
    let result = await claim();
    this.claimLatency.observe(performance.now() - started);
    if (result === 'not-found') {
      // Published straight to SQS (with or without an id): nobody recorded it yet. Its record awaits
      // the anti-loop rules. When another copy of the same send made it first, its record says
      // whether it still awaits them (one made by an earlier version never does).
      const created = await this.createRecord(id, parsed, held, { awaitingRules: guard !== undefined });
      if (!created && (await reusedId())) return 'handled';
      result = guard && created ? 'awaiting-rules' : await claim();
    } else if (result === 'awaiting-rules' && (await reusedId())) {
      return 'handled';
    }
    if (result === 'awaiting-rules') {
      // Asked on every receive until one claims it: a verdict lost to a failure (or a `rejected`
      // write that failed) is asked again, never skipped. The rules know the message by its id, so
      // a window it opened before lets it through again rather than refusing it as its own copy.
      if (guard && !(await admitStraightToQueue(guard, id, parsed, held, queue, this.deps))) {
        return 'handled';
      }
      result = await claim(true);
    }
    if (result === 'refused') return 'handled';
    if (result === 'claimed') return 'claimed';
    if (result !== 'already-claimed') {
      this.deps.log.error('message record missing right after it was created; left for redelivery', context);
      return 'leave';
    }
    if (await reusedId()) return 'handled';
    await dropRedelivery(id, held, queue, {
      ...this.deps,
      clock: this.clock,
      giveBackSeconds: giveBackSeconds(held.receiveCount, this.deps.requeueBackoff),
    });
    return 'handled';
  }

  /** True when this call made the record; false when another copy of the same send made it first. */
  private createRecord(
    id: string,
    parsed: Valid,
    held: HeldMessage,
    options: { awaitingRules?: boolean } = {},
  ): Promise<boolean> {
    return createAcceptedRecord(id, parsed, held, { ...this.deps, clock: this.clock }, options);
  }
}
