// An SQS message that can never be sent as it is (bad JSON, schema, preparation): its record ends
// `rejected` with the reason (written so in one put if nobody made it, under the id every copy of
// it shares: derived-id.ts), then the original body goes to the lane's dead-letter queue with the
// reason and that id as message attributes, and it leaves the source queue. So every DLQ entry has
// a record whose state says why. Never retried for ever, never dropped silently. Only codes and
// paths are logged.
import { DuplicateMessageIdError } from '#core/aws/errors.ts';
import { isBatchId } from '#core/domain/messages/message-id.ts';
import { MESSAGE_KINDS, type MessageKind } from '#core/domain/messages/message-kinds.ts';
import {
  type MessageError,
  type MessageRecord,
  newAcceptedRecord,
  rejectedOnArrival,
} from '#core/domain/messages/message-model.ts';
import {
  callbackUrlField,
  DEFAULT_VALIDITY_MINUTES,
  MAX_CLIENT_REF_LENGTH,
  MAX_TEXT_LENGTH,
  type Priority,
} from '#core/domain/requests/message-schema.ts';
import type { Logger } from '#core/observability/logger.ts';
import type { DispatchStats } from '../flow/stats.ts';
import type { MessageStore } from '../ports.ts';
import { retryTransient } from '../submit/retry.ts';
import { queueMessageId } from './derived-id.ts';
import { giveBack } from './give-back.ts';
import type { HeldMessage } from './held-messages.ts';
import type { ParsedQueueMessage } from './queue-message.ts';
import type { LaneQueue } from './sqs-lane.ts';

type Malformed = Extract<ParsedQueueMessage, { ok: false }>;

export interface MalformedDeps {
  messages: MessageStore;
  log: Logger;
  stats: DispatchStats;
  clock: () => Date;
  /** Visibility to give the message back with when the rejection could not be written now. */
  giveBackSeconds: number;
}

const str = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;

/**
 * The best record that can be made of an invalid message: what it says, where it is usable. Its
 * history reads `accepted` then `rejected`, like any other message's. A callback URL that passes the
 * API's own check is kept, so the sender gets its `rejected` POST as with every other event; one that
 * does not is left out (the callbacks Lambda checks every target again before calling it).
 */
export function rejectedRecordBase(id: string, raw: unknown, lane: Priority, now: Date): MessageRecord {
  const fields = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const kind = MESSAGE_KINDS.includes(fields.kind as MessageKind) ? (fields.kind as MessageKind) : 'sms';
  return newAcceptedRecord(
    {
      id,
      to: str(fields.to, 254) ?? '',
      kind,
      priority: lane,
      encoding: 'gsm7',
      dataCoding: 0,
      parts: 0,
      validityMinutes: DEFAULT_VALIDITY_MINUTES,
      text: str(fields.text, MAX_TEXT_LENGTH),
      clientRef: str(fields.clientRef, MAX_CLIENT_REF_LENGTH),
      batchId: isBatchId(fields.batchId) ? fields.batchId : undefined,
      callbackUrl: usableCallbackUrl(fields.callbackUrl),
    },
    now,
  );
}

/**
 * Written `rejected` in one put, never `accepted` then `rejected`: a stop or an outage between two
 * writes would leave an `accepted` record of only the usable fields, which the sweeper sends (an
 * over-long sender id dropped, the message would go out from the default sender).
 */
async function markRejected(deps: MalformedDeps, id: string, error: MessageError, record: MessageRecord) {
  try {
    await retryTransient(() => deps.messages.createRejected(rejectedOnArrival(record, error)));
    return 'applied';
  } catch (createError) {
    // The API (or an earlier delivery of this message) made it already.
    if (!(createError instanceof DuplicateMessageIdError)) throw createError;
  }
  return retryTransient(() => deps.messages.markRejected(id, error));
}

/** Returns when the message was dead-lettered and deleted, or left for SQS to deliver again. */
export async function rejectMalformed(
  held: HeldMessage,
  parsed: Malformed,
  queue: LaneQueue,
  deps: MalformedDeps,
): Promise<void> {
  const id = queueMessageId(held, parsed.raw);
  const context = {
    lane: held.lane,
    sqsMessageId: held.sqsMessageId,
    id,
    code: parsed.error.code,
    issues: parsed.issues.map((issue) => `${issue.code}@${issue.path.join('.') || 'request'}`),
  };
  try {
    const record = rejectedRecordBase(id, parsed.raw, held.lane, deps.clock());
    const result = await markRejected(deps, id, parsed.error, record);
    // 'stale': the record is past `accepted` (it was sent under that id already); left as it is.
    if (result === 'stale')
      deps.log.warn('invalid queue message for a message already past accepted', context);
    await queue.deadLetter(held.body, {
      errorCode: String(parsed.error.code),
      errorPaths: context.issues.join(',').slice(0, 1_000),
      sourceLane: held.lane,
      sqsMessageId: held.sqsMessageId,
      messageId: id,
    });
  } catch (error) {
    // Not deleted: given back, it is rejected on a later receive once the store or the DLQ answers.
    deps.log.error('invalid queue message could not be rejected; given back for a later attempt', {
      ...context,
      error,
    });
    await giveBack(queue, held, deps.giveBackSeconds, deps.log);
    return;
  }
  deps.stats.rejected += 1;
  deps.log.warn('invalid queue message rejected and dead-lettered', context);
  await queue.delete(held.receiptHandle).catch((error) => {
    deps.log.warn('dead-lettered message not deleted from its queue', { ...context, error });
  });
}

function usableCallbackUrl(value: unknown): string | undefined {
  const checked = callbackUrlField.safeParse(value);
  return checked.success ? checked.data : undefined;
}
