import { z } from 'zod';
import type { MessageEncoding } from '#core/domain/encoding/index.ts';
import { newMessageId } from '#core/domain/messages/message-id.ts';
import { acceptedMessageRecord, type MessageRecord } from '#core/domain/messages/message-model.ts';
import { type PreparedMessage, prepareMessage } from '#core/domain/messages/prepare-message.ts';
import { queueBodyOf } from '#core/domain/messages/queue-body.ts';
import { sendMessageSchema } from '#core/domain/requests/message-schema.ts';
import { maskRecipient } from '#core/domain/requests/recipient.ts';
import { type ValidationIssue, validate } from '#core/domain/requests/validation-issues.ts';
import type { ApiDeps } from '../deps.ts';
import { requestHash } from '../http/idempotency.ts';
import { checkAccount } from './accounts.ts';
import { domainIssue } from './issues.ts';
import {
  countedWindows,
  failUnqueuedMany,
  neverSent,
  type UnqueuedContext,
  wasNeverQueued,
  withdrawWindows,
} from './unqueued.ts';

// POST /v1/messages: validate and prepare (exactly as the bind-service will), store the `accepted`
// record (with the idempotency record, in one transaction), then enqueue on the priority's lane.
// Nothing is stored or enqueued for a request that fails validation.

export interface AcceptedAnswer {
  id: string;
  status: 'accepted';
  encoding: MessageEncoding;
  parts: number;
}

// The stored first answer is read back from DynamoDB: checked rather than trusted by cast.
const acceptedAnswerSchema = z.object({
  id: z.string(),
  status: z.literal('accepted'),
  encoding: z.enum(['gsm7', 'latin1', 'ucs2', 'binary']),
  parts: z.number(),
});

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
  /** Stored or not, nobody can tell (DynamoDB failing): if it was, the sweeper sends it. */
  | { outcome: 'store-unknown'; id: string }
  /** Every follow-up slot of the key was used by attempts that failed to enqueue (see storeOnce). */
  | { outcome: 'key-exhausted' }
  /** The provider's anti-loop rules: an identical request, or too many to one number; nothing stored. */
  | { outcome: 'duplicate' | 'flood'; retryAfterSeconds: number; maskedTo: string };

/**
 * How many earlier attempts with one key may have failed to enqueue before we give up on the key.
 * Each such attempt answered 503, so reaching this takes that many failed retries within the key's
 * lifetime (24 h).
 */
const MAX_KEY_ATTEMPTS = 20;

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
  const admitted = await deps.guard?.admit(prepared, {
    // A 503 stores nothing: the resend it asks for must not meet a window this attempt opened.
    closeWindowOnFailure: true,
    ...(input.idempotencyKey === undefined ? {} : { idempotencyKey: input.idempotencyKey }),
  });
  if (admitted && admitted.verdict !== 'allowed') {
    return { outcome: admitted.verdict, retryAfterSeconds: admitted.retryAfterSeconds, maskedTo };
  }

  const windows = countedWindows([{ id: record.id, prepared, verdict: admitted }]);
  const keyed = input.idempotencyKey !== undefined;
  let stored: StoreOutcome = { outcome: 'stored' };
  try {
    if (input.idempotencyKey === undefined) await deps.messages.createAccepted(record);
    else stored = await storeOnce(deps, record, answer, input.idempotencyKey, requestHash(input.body));
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
    // Nothing of this request was stored: the anti-loop window it opened must not outlive it.
    await withdrawWindows(deps, windows);
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
 * retry with the key creates the message anew.
 */
async function requeue(deps: ApiDeps, record: MessageRecord): Promise<AcceptMessageResult | undefined> {
  const failed = await enqueue(deps, record);
  if (failed) return failed;
  if ((await deps.messages.markQueued(record.id)) === 'applied') return undefined;
  const now = await deps.messages.get(record.id);
  return wasNeverQueued(now) ? { outcome: 'enqueue-failed', id: record.id, marked: true } : undefined;
}

type StoreOutcome =
  | { outcome: 'stored' }
  /** `unclaimed`: the first message, when it is still `accepted` (it may never have been queued). */
  | { outcome: 'replay'; answer: AcceptedAnswer; unclaimed?: MessageRecord }
  | { outcome: 'conflict' }
  | { outcome: 'exhausted' };

/**
 * Stores the record under the idempotency key, or finds the first answer given for it.
 *
 * An answer must not be replayed when its message never reached a queue (it was marked failed with
 * enqueue_failed and the caller got a 503): the retry deserves a real attempt. The repository cannot
 * rewrite an idempotency record, so each such failed attempt passes the key on to a follow-up slot,
 * `<key>#after:<failed id>`, claimed with the same conditional write. Concurrent retries race for the
 * same slot, so exactly one of them creates the new message and the others replay its answer.
 */
async function storeOnce(
  deps: ApiDeps,
  record: MessageRecord,
  answer: AcceptedAnswer,
  key: string,
  hash: string,
): Promise<StoreOutcome> {
  let slot = key;
  const walked: string[] = [];
  for (let attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
    const result = await deps.messages.createAccepted(record, {
      key: slot,
      requestHash: hash,
      response: answer,
    });
    if (result.created) {
      await keepChainAlive(deps, walked, hash);
      return { outcome: 'stored' };
    }
    if (result.existing.requestHash !== hash) return { outcome: 'conflict' };
    const first = acceptedAnswerSchema.parse(result.existing.response);
    const firstRecord = await deps.messages.get(first.id);
    if (!wasNeverQueued(firstRecord)) {
      const unclaimed = firstRecord?.status === 'accepted' ? firstRecord : undefined;
      return { outcome: 'replay', answer: first, ...(unclaimed ? { unclaimed } : {}) };
    }
    walked.push(slot);
    slot = `${key}#after:${first.id}`;
  }
  return { outcome: 'exhausted' };
}

/**
 * The slots in front of the one just stored live as long as it does: each lived from its own
 * attempt, so the key's first slot, made a day before a retry stored the message, would expire
 * first, and the next retry would store and send a new message instead of replaying this one.
 * Best effort: the message is stored, and its answer is the caller's either way.
 */
async function keepChainAlive(deps: ApiDeps, walked: readonly string[], hash: string): Promise<void> {
  try {
    await Promise.all(walked.map((slot) => deps.messages.keepIdempotencyAlive(slot, hash)));
  } catch (error) {
    deps.log.warn('earlier idempotency slots of the key not extended', { error });
  }
}
