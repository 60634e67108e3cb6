// A queue message whose id already names another message: a publisher gave its own id and used it
// again for other content (another recipient or text, or a rejected message it fixed). One id is
// one message whoever publishes it, so the record stays the first message's, and this one must not
// be sent under it, nor dropped as a copy (the publisher would never learn it was lost): it is
// refused as an invalid queue message, to the lane's DLQ with `id_reused` and why, the record left
// alone. Asked only where another receive made the record (the claim found it claimed, awaiting
// the rules, or made a moment before by another copy), so the one read stays off the normal path;
// a true copy (the same body again, the API's or the sweeper's body rebuilt from the record)
// compares equal and goes on as before.
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { contentDifferences, ID_REUSED, type SentContentField } from '#core/domain/messages/same-content.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import { giveBack } from '../intake/give-back.ts';
import type { HeldMessage } from '../intake/held-messages.ts';
import type { ParsedQueueMessage } from '../intake/queue-message.ts';
import type { LaneQueue } from '../intake/sqs-lane.ts';
import type { MessageStore } from '../ports.ts';
import { acceptedRecordOf, comparedAccount } from './accepted-record.ts';
import { retryTransient, type WriteRetry } from './retry.ts';

export interface ReusedIdDeps {
  messages: Pick<MessageStore, 'get'>;
  log: Logger;
  stats: DispatchStats;
  clock: () => Date;
  writeRetry?: WriteRetry;
  /** Visibility to give the message back with when the DLQ could not take it now. */
  giveBackSeconds: number;
}

type Valid = Extract<ParsedQueueMessage, { ok: true }>;

/** The fields in which this queue message is another message than the record of its id. */
export function differencesFrom(
  record: MessageRecord,
  id: string,
  parsed: Valid,
  held: Pick<HeldMessage, 'lane' | 'sentTimestampMs'>,
  now: Date,
): SentContentField[] {
  const { account, ...candidate } = acceptedRecordOf(id, parsed, held, now);
  const compared = comparedAccount(parsed, { account });
  return contentDifferences(record, compared === undefined ? candidate : { ...candidate, account: compared });
}

function description(id: string, record: MessageRecord, fields: SentContentField[]): string {
  if (record.status === 'rejected') {
    const why = record.error ? ` (${String(record.error.code)})` : '';
    return (
      `id: ${id} already names a message that was rejected${why}; this message was not sent. A ` +
      'corrected message is another message: publish the corrected message under a new id.'
    );
  }
  return (
    `id: ${id} already names another message (its ${fields.join(', ')} ${fields.length === 1 ? 'differs' : 'differ'}); ` +
    'this message was ' +
    'not sent. One id is one message, whoever publishes it: publish this one under a new id.'
  );
}

/**
 * True when the message was refused (dead-lettered and deleted, or given back to be refused on a
 * later receive); false when the record of its id is the same message (or there is none to compare).
 */
export async function refuseReusedId(
  id: string,
  parsed: Valid,
  held: HeldMessage,
  queue: LaneQueue,
  deps: ReusedIdDeps,
  /** The record as a failed claim just read it (content never changes once written): not read again. */
  known?: MessageRecord,
): Promise<boolean> {
  const record = known ?? (await retryTransient(() => deps.messages.get(id), deps.writeRetry));
  if (!record) return false;
  const differs = differencesFrom(record, id, parsed, held, deps.clock());
  if (differs.length === 0) return false;
  const context = {
    lane: held.lane,
    id,
    sqsMessageId: held.sqsMessageId,
    code: ID_REUSED,
    differs,
    recordStatus: record.status,
    // Masked by the logger, as every recipient.
    to: parsed.prepared.to,
  };
  try {
    await queue.deadLetter(held.body, {
      errorCode: ID_REUSED,
      errorPaths: `${ID_REUSED}@id`,
      errorDescription: description(id, record, differs),
      sourceLane: held.lane,
      sqsMessageId: held.sqsMessageId,
      messageId: id,
    });
  } catch (error) {
    // Not deleted: given back, it is refused on a later receive once the DLQ answers.
    deps.log.error('queue message reusing an id could not be dead-lettered; given back', {
      ...context,
      error,
    });
    await giveBack(queue, held, deps.giveBackSeconds, deps.log);
    return true;
  }
  deps.stats.rejected += 1;
  deps.log.warn('queue message refused: its id names another message; dead-lettered, not sent', context);
  await queue.delete(held.receiptHandle).catch((error) => {
    deps.log.warn('dead-lettered message not deleted from its queue', { ...context, error });
  });
  return true;
}
