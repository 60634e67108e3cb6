import { MessageNotFoundError } from '#core/aws/errors.ts';
import type { MessageError, MessageRecord } from '#core/domain/messages/message-model.ts';
import type { PreparedMessage } from '#core/domain/messages/prepare-message.ts';
import type { AntiLoopVerdict } from '#core/domain/provider/anti-loop.ts';
import type { ApiDeps, RecordStore } from '../deps.ts';

// A message is stored `accepted` before it is enqueued. When the enqueue fails, the record must not
// stay `accepted` (it would look on its way while nothing will ever send it): it is marked `failed`
// with this error, and the caller is told to send again. The anti-loop guard counted it before it
// was stored: once it is certain never to go, the duplicate window it opened is closed again, or the
// resend the answer asks for would be refused as a duplicate of a message the SMSC never saw.

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

/** The duplicate window the anti-loop guard opened for a message (its verdict's windowEndsAtMs). */
export interface CountedWindow {
  prepared: PreparedMessage;
  windowEndsAtMs: number;
}

export interface UnqueuedContext {
  batchId?: string;
  cause: unknown;
  /** By message id: the windows to close for the messages found never to go. */
  windows?: ReadonlyMap<string, CountedWindow>;
  /**
   * The message came with an Idempotency-Key. Once stored (then marked failed), its key is too, and
   * the window stays: it is tagged with the key, so a concurrent retry may have passed the rules on
   * it and stored the follow-up message it counts. So only a message never stored gives it back.
   */
  keyed?: boolean;
  /**
   * Ids known never written (a batch's store stopped before them): no write is tried for them, and
   * their windows are closed even when marking the others fails.
   */
  notStored?: ReadonlySet<string>;
}

/** The windows the guard's verdicts opened, by message id (a verdict may have opened none). */
export function countedWindows(
  messages: Iterable<{ id: string; prepared: PreparedMessage; verdict?: AntiLoopVerdict | undefined }>,
): Map<string, CountedWindow> {
  const windows = new Map<string, CountedWindow>();
  for (const { id, prepared, verdict } of messages) {
    if (verdict?.verdict === 'allowed' && verdict.windowEndsAtMs !== undefined) {
      windows.set(id, { prepared, windowEndsAtMs: verdict.windowEndsAtMs });
    }
  }
  return windows;
}

/**
 * Closes the windows of a request that stored nothing (its Idempotency-Key holds another request):
 * left open, its own text sent again with a new key would be refused as a duplicate for a minute.
 * A window that cannot be closed is only logged: it ends by itself.
 */
export async function withdrawWindows(
  deps: Pick<ApiDeps, 'guard' | 'log'>,
  windows: ReadonlyMap<string, CountedWindow>,
): Promise<void> {
  if (!deps.guard) return;
  for (const window of windows.values()) {
    try {
      await deps.guard.withdraw(window.prepared, window.windowEndsAtMs);
    } catch (error) {
      deps.log.warn('anti-loop window of a request that stored nothing not closed; it ends by itself', {
        error,
      });
    }
  }
}

/**
 * Certain never to be sent: nothing will enqueue it (the sweeper only looks at `accepted`). Only
 * such a message may be answered "send it again": 'was-enqueued' is on its way, and 'not-marked'
 * stays `accepted`, so the sweeper sends it.
 */
export function neverSent(outcome: UnqueuedOutcome | undefined): boolean {
  return outcome === 'marked-failed' || outcome === 'not-stored';
}

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
 * Marks the given messages, a few at a time, and closes the anti-loop windows of those certain never
 * to go. When one write fails, DynamoDB is most likely down for all of them, so the rest are not
 * tried (which would hold the request for every SDK retry): one error line names what stays
 * `accepted` unqueued, for an operator or an alarm to act on. A message left `accepted` keeps its
 * window: the sweeper will send it, and a resend within the window would be its duplicate.
 */
export async function failUnqueuedMany(
  deps: Pick<ApiDeps, 'messages' | 'log' | 'guard'>,
  ids: readonly string[],
  context: UnqueuedContext,
): Promise<Map<string, UnqueuedOutcome>> {
  const outcomes = new Map<string, UnqueuedOutcome>(
    ids.map((id) => [id, context.notStored?.has(id) ? 'not-stored' : 'not-marked']),
  );
  let next = 0;
  let markError: unknown;
  let windowError: unknown;
  let windowsLeftOpen = 0;
  const closeWindow = async (id: string, outcome: UnqueuedOutcome) => {
    const closes = context.keyed ? outcome === 'not-stored' : neverSent(outcome);
    const window = closes ? context.windows?.get(id) : undefined;
    if (!window || !deps.guard) return;
    // After one failure, as with marking, the rest are not tried: they are counted for the log.
    if (windowError === undefined) {
      try {
        await deps.guard.withdraw(window.prepared, window.windowEndsAtMs);
        return;
      } catch (error) {
        windowError = error;
      }
    }
    windowsLeftOpen++;
  };
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      if (context.notStored?.has(id)) {
        await closeWindow(id, 'not-stored');
        continue;
      }
      if (markError !== undefined) continue;
      let outcome: UnqueuedOutcome;
      try {
        outcome = await failUnqueued(deps.messages, id);
      } catch (error) {
        markError ??= error;
        continue;
      }
      outcomes.set(id, outcome);
      await closeWindow(id, outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MARK_CONCURRENCY, ids.length) }, worker));
  const scope = context.batchId ? { batchId: context.batchId } : {};
  if (markError !== undefined) {
    const unmarked = ids.filter((id) => outcomes.get(id) === 'not-marked');
    deps.log.error('not queued and could not be marked failed: left accepted, for the sweeper to enqueue', {
      ...scope,
      // A batch's ids are found through its batch id; a single message's is given as is.
      ...(unmarked.length === 1 ? { messageId: unmarked[0] } : { unmarkedCount: unmarked.length }),
      cause: errorName(context.cause),
      markError: errorName(markError),
    });
  }
  if (windowError !== undefined) {
    deps.log.warn(
      'anti-loop windows of unsent messages left open: an identical resend is refused until they end',
      {
        ...scope,
        openCount: windowsLeftOpen,
        windowError: errorName(windowError),
      },
    );
  }
  return outcomes;
}

/** Whether a stored message is one whose enqueue failed, so its idempotency key may be used again. */
export function wasNeverQueued(record: MessageRecord | undefined): boolean {
  return record?.status === 'failed' && record.error?.code === ENQUEUE_FAILED.code;
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}
