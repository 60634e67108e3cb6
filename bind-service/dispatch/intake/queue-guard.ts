// The provider's anti-loop rules for a message published straight to SQS (the API guards its own
// before storing them): an identical message inside the window, or one past the per-number limit,
// ends `rejected` with the rule as its error and leaves the queue, before the SMSC sees it. Not
// dead-lettered: the message is valid, the rule's refusal is its outcome. Asked on each receive
// until the message is claimed (its record awaits the rules), with its id, so a window it opened on
// an earlier receive lets it through.
import type { AdmitOptions } from '#core/aws/anti-loop/anti-loop-guard.ts';
import type { PreparedMessage } from '#core/domain/messages/prepare-message.ts';
import { ANTI_LOOP_ERRORS, type AntiLoopVerdict } from '#core/domain/provider/anti-loop.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { MessageStore } from '../ports.ts';
import { retryTransient } from '../submit/retry.ts';
import type { HeldMessage } from './held-messages.ts';
import type { ParsedQueueMessage } from './queue-message.ts';
import type { LaneQueue } from './sqs-lane.ts';

/** The provider's anti-loop rules for one message (core/aws's AntiLoopGuard is one). */
export interface AntiLoopPort {
  admit(prepared: PreparedMessage, options?: AdmitOptions): Promise<AntiLoopVerdict>;
}

interface GuardDeps {
  messages: MessageStore;
  stats: DispatchStats;
  log: Logger;
}

/** True when the message may go on; false when it was rejected (record written, SQS message deleted). */
export async function admitStraightToQueue(
  guard: AntiLoopPort,
  id: string,
  parsed: Extract<ParsedQueueMessage, { ok: true }>,
  held: HeldMessage,
  queue: LaneQueue,
  deps: GuardDeps,
): Promise<boolean> {
  const admitted = await guard.admit(parsed.prepared, { messageId: id });
  if (admitted.verdict === 'allowed') return true;
  const { code, name, description } = ANTI_LOOP_ERRORS[admitted.verdict];
  await retryTransient(() => deps.messages.markRejected(id, { code, name, description }));
  deps.stats.rejected += 1;
  deps.log.warn('queue message refused by the anti-loop rules before the SMSC saw it', {
    lane: held.lane,
    id,
    code,
  });
  await queue.delete(held.receiptHandle).catch((error) => {
    deps.log.warn('refused message not deleted from its queue', { lane: held.lane, id, error });
  });
  return false;
}
