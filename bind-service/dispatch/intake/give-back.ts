// How long a valid message that cannot go now stays invisible when it is given back to its queue
// (nothing sent: throttled past the resend limit, bind lost before the PDU, a store outage before
// the claim). The pause doubles with each receive, so a message that keeps failing costs a receive
// every few minutes, not every few seconds. It never counts towards a dead-letter queue: the redrive
// limit (maxReceiveCount, resource-definitions.ts) is far above what the back-off reaches within a
// message's longest validity, and a message whose validity has passed ends `expired` on its next
// receive (submit/expiry.ts). Only a stopping service gives messages back at once (visibility 0).
import type { Logger } from '#core/observability/logger.ts';
import type { HeldMessage } from './held-messages.ts';
import type { LaneQueue } from './sqs-lane.ts';

export interface GiveBackBackoff {
  /** The pause after the first receive, in seconds (SQS visibility is whole seconds). */
  baseSeconds: number;
  /** The longest pause. */
  capSeconds: number;
}

/**
 * 5 s doubling to 10 minutes: over the longest validity (3 days) that is at most ~440 receives,
 * well under the redrive limit of 1,000.
 */
export const DEFAULT_GIVE_BACK: GiveBackBackoff = { baseSeconds: 5, capSeconds: 600 };

/** SQS refuses a visibility timeout above 12 hours. */
const SQS_MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

/** The visibility to give a message back with, after its `receiveCount`-th receive (1 = first). */
export function giveBackSeconds(receiveCount: number, backoff: GiveBackBackoff = DEFAULT_GIVE_BACK): number {
  const receives = Number.isFinite(receiveCount) ? Math.max(1, Math.floor(receiveCount)) : 1;
  // 2^30 is far past any cap; the exponent is bounded so the product stays a finite number.
  const pause = backoff.baseSeconds * 2 ** Math.min(receives - 1, 30);
  return Math.round(Math.min(pause, backoff.capSeconds, SQS_MAX_VISIBILITY_SECONDS));
}

/**
 * Gives `held` back to its queue, visible again after `seconds`. Never throws: when SQS refuses, the
 * message becomes visible anyway when its visibility timeout ends (up to 5 minutes on the bulk
 * lane), and the log says why it came back late.
 */
export async function giveBack(
  queue: LaneQueue,
  held: HeldMessage,
  seconds: number,
  log: Logger,
): Promise<void> {
  await queue.changeVisibility(held.receiptHandle, seconds).catch((error) => {
    log.warn('message not given back; SQS shows it again when its visibility timeout ends', {
      lane: held.lane,
      sqsMessageId: held.sqsMessageId,
      visibilitySeconds: seconds,
      error,
    });
  });
}
