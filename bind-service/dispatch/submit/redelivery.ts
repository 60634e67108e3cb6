// A delivery whose claim found the message claimed before: sent or being sent, so never sent again.
// Still `submitting` under THIS queue message's claim: its worker stopped without recording an
// answer (SQS only redelivers what nobody keeps invisible), so `unknown`. Under another queue
// message's claim (a copy of the send): that one is at work, or comes back itself; the state is left
// alone. Either way this delivery is deleted.
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { HeldMessage } from '../intake/held-messages.ts';
import type { LaneQueue } from '../intake/sqs-lane.ts';
import type { MessageStore } from '../ports.ts';
import { retryTransient, type WriteRetry } from './retry.ts';

const REDELIVERED =
  'SQS delivered the message again while it was being submitted: the earlier attempt ended ' +
  'without recording the SMSC answer, so it is not sent again.';

export interface RedeliveryDeps {
  messages: Pick<MessageStore, 'markUnknownIfClaimedBy'>;
  stats: DispatchStats;
  log: Logger;
  writeRetry?: WriteRetry;
}

export async function dropRedelivery(
  id: string,
  held: HeldMessage,
  queue: LaneQueue,
  deps: RedeliveryDeps,
): Promise<void> {
  const { messages, log, stats } = deps;
  const context = { lane: held.lane, id, sqsMessageId: held.sqsMessageId };
  const marked = await retryTransient(
    () => messages.markUnknownIfClaimedBy(id, held.sqsMessageId, REDELIVERED),
    deps.writeRetry,
  );
  if (marked === 'applied') stats.unknown += 1;
  stats.redeliveriesDeleted += 1;
  log.info('copy or redelivery of a message already claimed: deleted, not sent again', {
    ...context,
    markedUnknown: marked === 'applied',
  });
  await queue.delete(held.receiptHandle).catch((error) => {
    log.warn('redelivered message not deleted', { ...context, error });
  });
}
