// A delivery whose claim found the message claimed before: sent or being sent, so never sent again.
// Still `submitting` under THIS queue message's claim, SQS showed it again because its worker
// stopped without recording an answer, or because that worker, still at work, could not keep it
// invisible (an extension refused, an event loop stalled). A claim naming another task that the
// roster shows alive, made less than CLAIM_WORK_LIMIT_MS ago, is the second case: this delivery is
// given back, and its next receive finds what that worker did (sent, released, or nothing). Any
// other such claim (this task's own earlier receive, a task gone, a claim that old, or one made
// without a task) is the first: `unknown`. Under another queue message's claim (a copy of the send):
// that one is at work, or comes back itself; the state is left alone. Except when given back, the
// delivery is deleted.
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import { claimTaskOf } from '../intake/derived-id.ts';
import { giveBack } from '../intake/give-back.ts';
import type { HeldMessage } from '../intake/held-messages.ts';
import type { LaneQueue } from '../intake/sqs-lane.ts';
import type { MessageStore } from '../ports.ts';
import { retryTransient, type WriteRetry } from './retry.ts';

const REDELIVERED =
  'SQS delivered the message again while it was being submitted: the earlier attempt ended ' +
  'without recording the SMSC answer, so it is not sent again.';

/**
 * How long a worker may hold a claim before its answer is recorded: the wait for a rate token (the
 * claim gate keeps it to seconds), the SUBMIT_SM's answer and the record's retries take far less.
 * A claim this old whose queue message came back is taken as ended, even if its task is alive.
 */
export const CLAIM_WORK_LIMIT_MS = 10 * 60_000;

/** The task this is, and which tasks are alive (the task roster's last read). */
export interface ClaimTasks {
  self: string;
  isLive(task: string): boolean;
}

export interface RedeliveryDeps {
  messages: Pick<MessageStore, 'markUnknownIfClaimedBy' | 'claimOf'>;
  stats: DispatchStats;
  log: Logger;
  writeRetry?: WriteRetry;
  /** Without it, every claim under this queue message is taken as ended (one task, or a test). */
  claimTasks?: ClaimTasks;
  clock: () => Date;
  /** The visibility a delivery given back gets (give-back.ts). */
  giveBackSeconds: number;
}

export async function dropRedelivery(
  id: string,
  held: HeldMessage,
  queue: LaneQueue,
  deps: RedeliveryDeps,
): Promise<void> {
  const { messages, log, stats } = deps;
  const context = { lane: held.lane, id, sqsMessageId: held.sqsMessageId };
  const worker = await workerStillAt(id, held, deps);
  if (worker !== undefined) {
    log.info('message shown again while a live task works on it: given back, not sent', {
      ...context,
      task: worker,
      visibilitySeconds: deps.giveBackSeconds,
    });
    await giveBack(queue, held, deps.giveBackSeconds, log);
    return;
  }
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

/** The live task still working on this queue message's claim; undefined when none is. */
async function workerStillAt(
  id: string,
  held: HeldMessage,
  deps: RedeliveryDeps,
): Promise<string | undefined> {
  const { claimTasks } = deps;
  if (!claimTasks) return undefined;
  const claim = await retryTransient(() => deps.messages.claimOf(id), deps.writeRetry);
  if (claim?.status !== 'submitting' || !claim.claimedBy?.startsWith(`${held.sqsMessageId}#`))
    return undefined;
  const task = claimTaskOf(claim.claimedBy);
  if (task === undefined || task === claimTasks.self || !claimTasks.isLive(task)) return undefined;
  const claimedAtMs = claim.claimedAt === undefined ? Number.NaN : Date.parse(claim.claimedAt);
  const age = deps.clock().getTime() - claimedAtMs;
  return age < CLAIM_WORK_LIMIT_MS ? task : undefined;
}
