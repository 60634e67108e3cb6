// Turns a message's send outcome into its state write and the SQS action that goes with it:
// - submitted → markSubmitted (SMSC-id lookups in the same transaction; early receipts reconciled),
//   then delete. If that write keeps failing the message stays `submitting` and is NOT deleted: its
//   redelivery finds it claimed and marks it `unknown` (the gap is logged loudly; retries keep it rare).
// - failed / unknown → markFailed / markUnknown (with the SMSC ids of parts already accepted), delete.
// - not-sent → the claim is released and the message made visible again soon, so it is sent later.
import type { Logger } from '../logger.ts';
import type { HeldMessage } from './held-messages.ts';
import type { MessageStore } from './ports.ts';
import { retryTransient, type WriteRetry } from './retry.ts';
import type { SendResult } from './send-parts.ts';
import type { LaneQueue } from './sqs-lane.ts';
import type { DispatchStats } from './stats.ts';

export interface RecordOutcomeDeps {
  messages: MessageStore;
  log: Logger;
  stats: DispatchStats;
  writeRetry?: WriteRetry;
  /** Visibility given to a released message: a short pause before SQS hands it out again. */
  releaseDelaySeconds: number;
}

export async function recordOutcome(
  id: string,
  result: SendResult,
  held: HeldMessage,
  queue: LaneQueue,
  deps: RecordOutcomeDeps,
): Promise<void> {
  const { messages, log, stats } = deps;
  const context = { lane: held.lane, id, sqsMessageId: held.sqsMessageId };
  const write = <T>(fn: () => Promise<T>) => retryTransient(fn, deps.writeRetry);
  try {
    switch (result.kind) {
      case 'submitted':
        await write(() => messages.markSubmitted(id, result.smscIds));
        stats.submitted += 1;
        break;
      case 'failed':
        await write(() => messages.markFailed(id, result.error, result.smscIds));
        stats.failed += 1;
        log.warn('message refused by the SMSC', {
          ...context,
          code: result.error.code,
          smscIds: result.smscIds,
        });
        break;
      case 'unknown':
        await write(() => messages.markUnknown(id, result.reason, result.smscIds));
        stats.unknown += 1;
        log.warn('submit outcome unknown; not resent', {
          ...context,
          smscIds: result.smscIds,
          reason: result.reason,
        });
        break;
      case 'not-sent':
        await write(() => messages.releaseClaim(id));
        stats.released += 1;
        log.info('nothing sent; claim released for a later attempt', { ...context, reason: result.reason });
        await queue.changeVisibility(held.receiptHandle, deps.releaseDelaySeconds).catch(() => undefined);
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
  await queue.delete(held.receiptHandle).catch((error) => {
    log.warn('recorded message not deleted from its queue; its redelivery will be dropped', {
      ...context,
      error,
    });
  });
}
