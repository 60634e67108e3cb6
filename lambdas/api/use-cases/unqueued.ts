import { MessageNotFoundError } from '#core/aws/errors.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import type { ApiDeps, RecordStore } from '../deps.ts';

// A message is stored `accepted` before it is enqueued. When the enqueue fails, the record must not
// stay `accepted` (it would look on its way while nothing will ever send it): it is marked `failed`
// with this error, and the caller is told to send again.

export const ENQUEUE_FAILED: MessageError = {
  code: 'enqueue_failed',
  name: 'Not queued',
  description: 'The message could not be put on the send queue and was not sent. Send it again.',
};

/**
 * - marked-failed: it is `failed` now, nothing will send it.
 * - was-enqueued: it moved past `accepted`, so it did reach a queue after all.
 * - not-stored: there is no record (a batch whose store failed part-way).
 * - not-marked: marking failed too: it stays `accepted` with nothing queued (logged as an error).
 */
export type UnqueuedOutcome = 'marked-failed' | 'was-enqueued' | 'not-stored' | 'not-marked';

const MARK_CONCURRENCY = 8;

/**
 * An SQS error does not prove the message is not on the queue (the answer can be lost after SQS
 * stored it), and the bind-service may already have claimed it. So only a message still `accepted`
 * is marked failed, in one write conditional on that status: a read first and a write after would
 * leave a gap in which a claim lands, and a message on its way to the SMSC would be marked failed
 * with the caller told to send it again. 'stale' means it moved on: it was enqueued after all.
 */
async function failUnqueued(messages: RecordStore, id: string): Promise<UnqueuedOutcome> {
  try {
    const result = await messages.markNotQueued(id, ENQUEUE_FAILED);
    return result === 'applied' ? 'marked-failed' : 'was-enqueued';
  } catch (error) {
    if (error instanceof MessageNotFoundError) return 'not-stored';
    throw error;
  }
}

/**
 * Marks the given messages, a few at a time. When one write fails, DynamoDB is most likely down for
 * all of them, so the rest are not tried (which would hold the request for every SDK retry): one
 * error line names what stays `accepted` unqueued, for an operator or an alarm to act on.
 */
export async function failUnqueuedMany(
  deps: Pick<ApiDeps, 'messages' | 'log'>,
  ids: readonly string[],
  context: { batchId?: string; cause: unknown },
): Promise<Map<string, UnqueuedOutcome>> {
  const outcomes = new Map<string, UnqueuedOutcome>(ids.map((id) => [id, 'not-marked']));
  let next = 0;
  let markError: unknown;
  const worker = async () => {
    while (markError === undefined && next < ids.length) {
      const id = ids[next++] as string;
      try {
        outcomes.set(id, await failUnqueued(deps.messages, id));
      } catch (error) {
        markError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MARK_CONCURRENCY, ids.length) }, worker));
  if (markError !== undefined) {
    const unmarked = ids.filter((id) => outcomes.get(id) === 'not-marked');
    deps.log.error('enqueue failed and messages could not be marked failed: they stay accepted, unqueued', {
      ...(context.batchId ? { batchId: context.batchId } : {}),
      // A batch's ids are found through its batch id; a single message's is given as is.
      ...(unmarked.length === 1 ? { messageId: unmarked[0] } : { unmarkedCount: unmarked.length }),
      cause: errorName(context.cause),
      markError: errorName(markError),
    });
  }
  return outcomes;
}

/** Whether a stored message is one whose enqueue failed, so its idempotency key may be used again. */
export function wasNeverQueued(record: MessageRecord | undefined): boolean {
  return record?.status === 'failed' && record.error?.code === ENQUEUE_FAILED.code;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
