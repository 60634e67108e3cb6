import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { type PreparedMessage, prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';
import { messageFingerprint } from '#core/domain/provider/anti-loop.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { maskRecipient } from '#core/domain/requests/recipient-mask.ts';
import { type ValidationIssue, validate } from '#core/domain/requests/validation-issues.ts';
import type { ApiDeps } from '../deps.ts';
import { requestHash } from '../http/idempotency.ts';
import { checkAccount } from './accounts.ts';
import {
  type AcceptedAnswer,
  answeredBefore,
  type KeyedRequest,
  type StoreOutcome,
  storeOnce,
} from './idempotency-slots.ts';
import { domainIssue } from './issues.ts';
import {
  countedWindows,
  errorName,
  failUnqueuedMany,
  neverSent,
  type UnqueuedContext,
  wasNeverQueued,
  withdrawWindows,
} from './unqueued.ts';

// POST /v1/messages: validate and prepare (exactly as the bind-service will), store the `accepted`
// record (with the idempotency record, in one transaction), then enqueue on the priority's lane.
// Nothing is stored or enqueued for a request that fails validation.

export type { AcceptedAnswer } from './idempotency-slots.ts';

export interface AcceptMessageInput {
  /** The body as parsed JSON, not yet validated. */
  body: unknown;
  /** Already scoped to the caller (scopedIdempotencyKey). */
  idempotencyKey?: string | undefined;
  /** The IAM principal that signed the request (callerArnOf); undefined when unauthenticated. */
  caller?: string | undefined;
}

export type AcceptMessageResult =
  /** `maskedTo` is for the log line. */
  | { outcome: 'accepted'; answer: AcceptedAnswer; replayed: boolean; maskedTo?: string }
  | { outcome: 'invalid'; issues: ValidationIssue[] }
  /** The message names no account of this deployment, or one the caller may not use; nothing stored. */
  | { outcome: 'unknown-account' | 'account-forbidden'; account: string }
  | { outcome: 'idempotency-conflict' }
  /** Stored, then the enqueue failed: the record is now `failed`; the caller should send again. */
  | { outcome: 'enqueue-failed'; id: string; marked: boolean }
  /** A retry's own copy of a still-`accepted` message could not be published; it is left `accepted`. */
  | { outcome: 'requeue-failed'; id: string }
  /** Stored or not, nobody can tell (DynamoDB failing): if it was, the sweeper sends it. */
  | { outcome: 'store-unknown'; id: string }
  /** Every follow-up slot of the key was used by attempts that failed to enqueue (see storeOnce). */
  | { outcome: 'key-exhausted' }
  /** The provider's anti-loop rules: an identical request, or too many to one number; nothing stored. */
  | { outcome: 'duplicate' | 'flood'; retryAfterSeconds: number; maskedTo: string };

export async function acceptMessage(deps: ApiDeps, input: AcceptMessageInput): Promise<AcceptMessageResult> {
  const validated = validate(sendMessageSchema, input.body);
  if (!validated.success) return { outcome: 'invalid', issues: validated.issues };
  const request = validated.data;
  const chosen = checkAccount(deps, request, input.caller);
  if (!chosen.ok) return { outcome: chosen.outcome, account: chosen.account };
  let prepared: PreparedMessage;
  try {
    prepared = prepareMessage(request, chosen.prepare);
  } catch (error) {
    const issue = domainIssue(error);
    if (!issue) throw error;
    return { outcome: 'invalid', issues: [issue] };
  }

  const now = deps.clock();
  const id = newMessageId(now.getTime());
  const record = acceptedMessageRecord({ id, request, prepared, account: chosen.account.name, now });
  const answer: AcceptedAnswer = {
    id,
    status: 'accepted',
    encoding: prepared.encoding,
    parts: prepared.parts,
  };
  const maskedTo = maskRecipient(prepared.to);
  const keyedRequest: KeyedRequest | undefined =
    input.idempotencyKey === undefined
      ? undefined
      : {
          key: input.idempotencyKey,
          requestHash: requestHash(input.body),
          // As the guard knows it: storeOnce compares it with the key holder's, whose window it is.
          fingerprint: deps.guard?.fingerprint(prepared) ?? messageFingerprint(prepared),
        };
  // Read first where the rules apply: only a request that will store a new message is counted (a
  // replay sends nothing new), and what the key already answers needs no store.
  const answered = keyedRequest && deps.guard ? await answeredBefore(deps, keyedRequest) : undefined;
  const admitted = answered
    ? undefined
    : await deps.guard?.admit(prepared, {
        // A 503 stores nothing: the resend it asks for must not meet a window this attempt opened.
        closeWindowOnFailure: true,
        ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
      });
  if (admitted && admitted.verdict !== 'allowed') {
    return { outcome: admitted.verdict, retryAfterSeconds: admitted.retryAfterSeconds, maskedTo };
  }

  const windows = countedWindows([{ id: record.id, prepared, verdict: admitted }]);
  const keyed = keyedRequest !== undefined;
  let stored: StoreOutcome;
  try {
    stored = answered ?? (await store(deps, record, answer, keyedRequest));
  } catch (error) {
    // The write may have landed with its answer lost: marked failed, the sweeper will not send it,
    // and the caller's retry is the one message that goes (a new one without a key). Left `accepted`
    // (marking failed too), the sweeper sends it: a keyless resend would be a second copy, so the
    // caller is told to look first. With a key, the retry finds the stored one.
    const outcome = (await failUnqueuedMany(deps, [record.id], { cause: error, windows, keyed })).get(
      record.id,
    );
    if (!keyed && !neverSent(outcome)) return { outcome: 'store-unknown', id: record.id };
    throw error;
  }
  if (stored.outcome === 'conflict' || stored.outcome === 'exhausted') {
    // Nothing of this request was stored: the anti-loop window it opened must not outlive it. Unless
    // the request holding the key sends this very message: it may have passed the rules on that
    // window (tagged with the key), which then counts its message.
    if (!(stored.outcome === 'conflict' && stored.sameMessage)) await withdrawWindows(deps, windows);
    return { outcome: stored.outcome === 'conflict' ? 'idempotency-conflict' : 'key-exhausted' };
  }
  if (stored.outcome === 'replay') {
    // Still `accepted`: the first attempt may have died between its store and its enqueue (a Lambda
    // killed at its timeout). Enqueued again rather than trusted: a second copy of a message that
    // did reach the queue is harmless, since the bind-service claims a message once.
    if (stored.unclaimed) {
      const failed = await requeue(deps, stored.unclaimed);
      if (failed) return failed;
    }
    return { outcome: 'accepted', answer: stored.answer, replayed: true, maskedTo };
  }

  const failed = await enqueue(deps, record, { windows, keyed });
  if (failed) return failed;
  return { outcome: 'accepted', answer, replayed: false, maskedTo };
}

/** Stores the record, under the request's Idempotency-Key when it has one (storeOnce). */
async function store(
  deps: ApiDeps,
  record: MessageRecord,
  answer: AcceptedAnswer,
  keyedRequest: KeyedRequest | undefined,
): Promise<StoreOutcome> {
  if (keyedRequest) return storeOnce(deps, record, answer, keyedRequest);
  await deps.messages.createAccepted(record);
  return { outcome: 'stored' };
}

/** Publishes the record's queue body on its lane; the enqueue-failed answer when it did not get there. */
async function enqueue(
  deps: ApiDeps,
  record: MessageRecord,
  counted: Pick<UnqueuedContext, 'windows' | 'keyed'> = {},
): Promise<AcceptMessageResult | undefined> {
  try {
    await deps.queues.publish(record.priority, queueBodyOf(record));
    return undefined;
  } catch (error) {
    const outcome = (await failUnqueuedMany(deps, [record.id], { cause: error, ...counted })).get(record.id);
    // Left `accepted` when marking failed too: the sweeper enqueues it, so it is accepted (late), and
    // telling the caller to send it again would send it twice.
    if (!neverSent(outcome)) return undefined;
    return { outcome: 'enqueue-failed', id: record.id, marked: outcome === 'marked-failed' };
  }
}

/**
 * A replay's copy of a still-`accepted` message: published, then noted queued, so the attempt that
 * stored it (maybe still running, its publish failing) cannot mark it failed after this 202. When that
 * attempt marked it failed first, the copy is dropped by the bind-service: 503, and the caller's next
 * retry with the key creates the message anew. When this copy's publish fails, the message is not
 * marked failed: the attempt that stored it may have queued it (its 202 on the way, or long given
 * while the message waits in a backlog), and failed, that copy would be dropped unsent. Left
 * `accepted`, it goes by that copy, by the caller's next retry with the key, or by the sweeper.
 */
async function requeue(deps: ApiDeps, record: MessageRecord): Promise<AcceptMessageResult | undefined> {
  try {
    await deps.queues.publish(record.priority, queueBodyOf(record));
  } catch (error) {
    deps.log.warn('a retry’s copy of an accepted message could not be queued; left accepted', {
      messageId: record.id,
      cause: errorName(error),
    });
    return { outcome: 'requeue-failed', id: record.id };
  }
  if ((await deps.messages.markQueued(record.id)) === 'applied') return undefined;
  const now = await deps.messages.get(record.id);
  return wasNeverQueued(now) ? { outcome: 'enqueue-failed', id: record.id, marked: true } : undefined;
}
