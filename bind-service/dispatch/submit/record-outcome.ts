// Turns a message's send outcome into its state write and the SQS action that goes with it:
// - submitted → markSubmitted (SMSC-id lookups in the same transaction; early receipts reconciled),
//   then delete.
// - failed / unknown → markFailed / markUnknown (with the SMSC ids of parts already accepted), delete.
// - not-sent → the claim is released and the message made visible again soon, so it is sent later;
//   the release is retried like the writes below, since a claim left makes the redelivery `unknown`.
// What went on the wire must be recorded with its SMSC ids: an SQS redelivery only finds the message
// claimed and marks it `unknown` WITHOUT ids, and then its receipt can never be matched. So those
// writes are retried until the SQS message's visibility deadline draws near (the visibility keeper
// moves it on while the message is held; a stopping service brings it closer). A `submitted` write
// that still fails is given up for `unknown` WITH the ids, whose lookups let a receipt resolve it.
// Only when that fails too is the SQS message left, logged with its ids.
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import type { Logger } from '#core/observability/logger.ts';
import { crashPoint } from '../../crash-points.ts';
import type { DispatchStats } from '../flow/stats.ts';
import { giveBack } from '../intake/give-back.ts';
import type { HeldMessage } from '../intake/held-messages.ts';
import type { LaneQueue } from '../intake/sqs-lane.ts';
import type { MessageStore } from '../ports.ts';
import { type PatientRetry, retryTransient, retryUntil, type WriteRetry } from './retry.ts';
import { type SendResult, STOPPING, VALIDITY_PASSED } from './send-parts.ts';

/** Not-sent reasons whose message goes back to the queue at once rather than after a pause. */
const AT_ONCE: ReadonlySet<string> = new Set([STOPPING, VALIDITY_PASSED]);

export interface RecordOutcomeDeps {
  messages: MessageStore;
  log: Logger;
  stats: DispatchStats;
  writeRetry?: WriteRetry;
  /** Visibility given to a released message: a pause (growing per receive) before SQS hands it out again. */
  releaseDelaySeconds: number;
  /** Monotonic ms until which the write of what went on the wire is retried; read at each failure. */
  recordDeadline: () => number;
  /** Back-off of those retries; default 100 ms doubling up to 5 s. */
  patientRetry?: PatientRetry;
  /** Monotonic ms; default performance.now. */
  now?: () => number;
  /** The SINGLE flag: every part gets its own SMSC id (and receipt). */
  singleIds?: boolean;
  /** Called once the outcome is written, before the SQS delete. */
  onRecorded?: () => void;
}

/** The message being recorded: its kind goes onto its SMSC-id lookups (receipts then skip a read). */
export interface OutcomeSubject {
  id: string;
  kind: MessageKind;
  /** The account it was sent under: an `unknown` one is listed for that account's reconciler. */
  account: string;
  /**
   * Its parts as the provider bills them (the text without the comment): the first SUBMIT_SMs. Those
   * after them carry only the rest of the comment, which the subscriber never gets.
   */
  parts: number;
}

export async function recordOutcome(
  subject: OutcomeSubject,
  result: SendResult,
  held: HeldMessage,
  queue: LaneQueue,
  deps: RecordOutcomeDeps,
): Promise<void> {
  const { messages, log, stats } = deps;
  const { id, kind, account } = subject;
  const context = { lane: held.lane, id, sqsMessageId: held.sqsMessageId };
  const write = <T>(fn: () => Promise<T>) => retryTransient(fn, deps.writeRetry);
  const patiently = <T>(fn: () => Promise<T>) =>
    retryUntil(fn, deps.recordDeadline, {
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.patientRetry ? { backoff: deps.patientRetry } : {}),
    });
  try {
    switch (result.kind) {
      case 'submitted':
        crashPoint('after-submit-resp');
        await recordSubmitted(subject, result.smscIds, patiently, write, deps, context);
        break;
      case 'failed':
        await patiently(() => messages.markFailed(id, result.error, result.smscIds));
        stats.failed += 1;
        log.warn('message refused by the SMSC', {
          ...context,
          code: result.error.code,
          smscIds: result.smscIds,
        });
        break;
      case 'unknown':
        await patiently(() =>
          messages.markUnknown(id, result.reason, result.smscIds, {
            kind,
            account,
            // A part on the wire without an id must report too before receipts resolve the message.
            ...(deps.singleIds ? { expectedSmscIds: result.partsOnWire } : {}),
            // SINGLE: the SMSC hands each part on by itself, so the parts sent may all be delivered;
            // the message still did not arrive whole. (Otherwise the SMSC glues the parts and
            // reports the whole message, err 241 when parts are missing.)
            ...(deps.singleIds && result.partsOnWire < subject.parts
              ? { unsentParts: subject.parts - result.partsOnWire }
              : {}),
          }),
        );
        stats.unknown += 1;
        log.warn('submit outcome unknown; not resent', {
          ...context,
          smscIds: result.smscIds,
          reason: result.reason,
        });
        break;
      case 'not-sent':
        await patiently(() => messages.releaseClaim(id));
        stats.released += 1;
        log.info('nothing sent; claim released for a later attempt', { ...context, reason: result.reason });
        // A stopping service gives it back at once, for the task that takes over (give-back.ts); a
        // message whose validity passed, for the receive that ends it `expired` (when it ends, for a
        // long one too late to start: giveBackSeconds).
        await giveBack(
          queue,
          held,
          result.giveBackSeconds ?? (AT_ONCE.has(result.reason) ? 0 : deps.releaseDelaySeconds),
          log,
        );
        return;
    }
  } catch (error) {
    const smscIds = result.kind === 'not-sent' ? [] : result.smscIds;
    // The outcome is known to us only: the SQS message stays, so the fact is not lost with it.
    log.error('send outcome could not be recorded; the message is left on its queue', {
      ...context,
      outcome: result.kind,
      smscIds,
      error,
    });
    return;
  }
  if (result.kind === 'submitted') crashPoint('after-submitted-write');
  deps.onRecorded?.();
  await queue.delete(held.receiptHandle).catch((error) => {
    log.warn('recorded message not deleted from its queue; its redelivery will be dropped', {
      ...context,
      error,
    });
  });
}

type Retrying = <T>(fn: () => Promise<T>) => Promise<T>;

/** markSubmitted until the deadline; then markUnknown with the same ids (throws if that fails too). */
async function recordSubmitted(
  { id, kind, account }: OutcomeSubject,
  smscIds: string[],
  patiently: Retrying,
  write: Retrying,
  { messages, log, stats }: RecordOutcomeDeps,
  context: Record<string, string>,
): Promise<void> {
  try {
    await patiently(() => messages.markSubmitted(id, smscIds, { kind }));
    stats.submitted += 1;
    return;
  } catch (error) {
    log.error('submitted state not written in time; recording unknown with the SMSC ids instead', {
      ...context,
      smscIds,
      error,
    });
  }
  const reason =
    `The SMSC accepted the message (SMSC ids ${smscIds.join(', ')}) but the submitted state could ` +
    'not be written in time; its receipt or a QUERY_SM resolves it.';
  const marked = await write(() => messages.markUnknown(id, reason, smscIds, { kind, account }));
  if (marked === 'applied') stats.unknown += 1;
}
