// One SQS message from the queue to the SMSC, as a sequence of port calls:
//   parse & prepare (no I/O) → rate token (urgent first) → a bind with a free slot → claim
//   (accepted → submitting; the record is created first when nobody made it) → parts on that bind
//   → state write + SQS delete.
// The claim comes as late as possible, right before the first SUBMIT_SM: a message waiting for its
// turn is not claimed, so a stop or crash meanwhile leaves it `accepted` and SQS simply delivers it
// again. A message claimed before (an SQS redelivery) is deleted, never sent again.
import { DuplicateMessageIdError } from '#core/aws/errors.ts';
import type { Lane } from '#core/aws/resource-definitions.ts';
import { acceptedMessageRecord } from '#core/domain/message-model.ts';
import type { PrepareOptions } from '#core/domain/prepare-message.ts';
import type { Logger } from '../logger.ts';
import { whenAborted } from './abort.ts';
import type { BindPool } from './bind-pool.ts';
import { deriveMessageId } from './derived-id.ts';
import type { HeldMessage } from './held-messages.ts';
import { rejectMalformed } from './malformed.ts';
import type { RetryPolicy } from './part-outcome.ts';
import type { MessageStore, RatePort } from './ports.ts';
import { type ParsedQueueMessage, parseQueueMessage } from './queue-message.ts';
import { recordOutcome } from './record-outcome.ts';
import { retryTransient, type WriteRetry } from './retry.ts';
import { type SendResult, sendParts } from './send-parts.ts';
import type { LaneQueue } from './sqs-lane.ts';
import type { DispatchStats } from './stats.ts';

export interface PipelineDeps {
  messages: MessageStore;
  queues: Record<Lane, LaneQueue>;
  binds: BindPool;
  rate: RatePort;
  prepare: PrepareOptions & { defaultSender?: string };
  stats: DispatchStats;
  log: Logger;
  /** Aborted when the service stops taking work: messages not claimed yet are given back. */
  stopTaking: AbortSignal;
  clock?: () => Date;
  policy?: RetryPolicy;
  writeRetry?: WriteRetry;
  /** Visibility of a message whose claim was released (nothing sent); default 5 s. */
  releaseDelaySeconds?: number;
}

type Valid = Extract<ParsedQueueMessage, { ok: true }>;
type Claim = 'claimed' | 'handled' | 'leave';

const REDELIVERED =
  'SQS delivered the message again while it was being submitted: the earlier attempt ended ' +
  'without recording the SMSC answer, so it is not sent again.';

export class SubmitPipeline {
  private readonly clock: () => Date;

  constructor(private readonly deps: PipelineDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Never throws: every failure ends logged, with the message deleted or left for redelivery. */
  async process(held: HeldMessage): Promise<void> {
    const queue = this.deps.queues[held.lane];
    try {
      const parsed = parseQueueMessage(held.body, this.deps.prepare);
      if (!parsed.ok) {
        await rejectMalformed(held, parsed, queue, { ...this.deps, clock: this.clock });
        return;
      }
      await this.send(held, parsed, queue);
    } catch (error) {
      this.deps.log.error('queue message not processed; left for redelivery', {
        lane: held.lane,
        sqsMessageId: held.sqsMessageId,
        error,
      });
    }
  }

  private async send(held: HeldMessage, parsed: Valid, queue: LaneQueue): Promise<void> {
    const id = parsed.message.id ?? deriveMessageId(held.sqsMessageId, held.sentTimestampMs);
    const bind = await this.turn(held.lane);
    if (!bind) {
      // Stopping: visible again at once, for whichever task takes over.
      await queue.changeVisibility(held.receiptHandle, 0).catch(() => undefined);
      return;
    }
    const claim = await this.claim(id, parsed, held, queue);
    if (claim !== 'claimed') return;
    let result: SendResult;
    try {
      result = await sendParts(bind, parsed.submits, held.lane, {
        rate: this.deps.rate,
        ...(this.deps.policy ? { policy: this.deps.policy } : {}),
        onThrottled: () => {
          this.deps.stats.throttled += 1;
        },
      });
    } catch (error) {
      // A bug after the claim: whatever went out is not known, so it must not go out again.
      result = { kind: 'unknown', reason: `Submitting failed unexpectedly: ${String(error)}`, smscIds: [] };
    }
    await recordOutcome(id, result, held, queue, {
      ...this.deps,
      releaseDelaySeconds: this.deps.releaseDelaySeconds ?? 5,
    });
  }

  /** Waits for a rate token (urgent lane first) and a bind with a free slot; undefined when stopping. */
  private async turn(lane: Lane) {
    const { rate, binds, stopTaking } = this.deps;
    if (stopTaking.aborted) return undefined;
    const token = rate.wait(lane);
    // A token granted after we gave up (or refused at close) is simply dropped.
    token.catch(() => undefined);
    const got = await Promise.race([token.then(() => true), whenAborted(stopTaking).then(() => false)]).catch(
      () => false,
    );
    if (!got) return undefined;
    return binds.acquire(stopTaking);
  }

  private async claim(id: string, parsed: Valid, held: HeldMessage, queue: LaneQueue): Promise<Claim> {
    const { messages, log, stats } = this.deps;
    const context = { lane: held.lane, id, sqsMessageId: held.sqsMessageId };
    let result = await retryTransient(() => messages.claimForSubmit(id), this.deps.writeRetry);
    if (result === 'not-found') {
      // Published straight to SQS (with or without an id): nobody recorded it yet.
      await this.createRecord(id, parsed, held.lane);
      result = await retryTransient(() => messages.claimForSubmit(id), this.deps.writeRetry);
    }
    if (result === 'claimed') return 'claimed';
    if (result === 'not-found') {
      log.error('message record missing right after it was created; left for redelivery', context);
      return 'leave';
    }
    // Claimed before: sent or being sent. If it is still `submitting`, whoever claimed it stopped
    // without recording an answer (SQS only redelivers what nobody keeps invisible): `unknown`.
    const marked = await retryTransient(() => messages.markUnknown(id, REDELIVERED), this.deps.writeRetry);
    if (marked === 'applied') stats.unknown += 1;
    stats.redeliveriesDeleted += 1;
    log.info('redelivery of a message already claimed: deleted, not sent again', {
      ...context,
      markedUnknown: marked === 'applied',
    });
    await queue.delete(held.receiptHandle).catch((error) => {
      log.warn('redelivered message not deleted', { ...context, error });
    });
    return 'handled';
  }

  private async createRecord(id: string, parsed: Valid, lane: Lane): Promise<void> {
    const { message, prepared } = parsed;
    const record = {
      ...acceptedMessageRecord({
        id,
        request: message,
        prepared,
        now: this.clock(),
        ...(message.batchId ? { batchId: message.batchId } : {}),
      }),
      // The lane it was actually read from, whatever its (defaulted) priority field says.
      priority: lane,
    };
    try {
      await retryTransient(() => this.deps.messages.createAccepted(record), this.deps.writeRetry);
    } catch (error) {
      // Another delivery of the same SQS message (same derived id) created it first: that is fine.
      if (!(error instanceof DuplicateMessageIdError)) throw error;
    }
  }
}
