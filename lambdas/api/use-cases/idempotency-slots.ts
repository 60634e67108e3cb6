import { z } from 'zod';
import type { MessageEncoding } from '#core/domain/encoding/index.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import type { ApiDeps } from '../deps.ts';
import { wasNeverQueued } from './unqueued.ts';

// An Idempotency-Key's answer must not be replayed when its message never reached a queue (it was
// marked failed with enqueue_failed and the caller got a 503): the retry deserves a real attempt.
// The repository cannot rewrite an idempotency record, so each such failed attempt passes the key
// on to a follow-up slot, `<key>#after:<failed id>`, claimed with the same conditional write.
// Concurrent retries race for the same slot, so exactly one of them creates the new message and
// the others replay its answer.

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

/**
 * How many earlier attempts with one key may have failed to enqueue before we give up on the key.
 * Each such attempt answered 503, so reaching this takes that many failed retries within the key's
 * lifetime (24 h).
 */
const MAX_KEY_ATTEMPTS = 20;

/** The request as the key's slots know it: its body's hash and its anti-loop fingerprint. */
export interface KeyedRequest {
  key: string;
  requestHash: string;
  fingerprint: string;
}

export type StoreOutcome =
  | { outcome: 'stored' }
  /** `unclaimed`: the first message, when it is still `accepted` (it may never have been queued). */
  | { outcome: 'replay'; answer: AcceptedAnswer; unclaimed?: MessageRecord }
  /** `sameMessage`: the request that holds the key sends what this one would (one fingerprint). */
  | { outcome: 'conflict'; sameMessage: boolean }
  | { outcome: 'exhausted' };

/** What the key's slot holds: the slot to go on to, or how the request ends there. */
type SlotStep = { next: string } | { ends: 'replay'; answer: AcceptedAnswer; first?: MessageRecord };

async function stepPast(
  deps: Pick<ApiDeps, 'messages'>,
  key: string,
  existing: { response: unknown },
): Promise<SlotStep> {
  const answer = acceptedAnswerSchema.parse(existing.response);
  const first = await deps.messages.get(answer.id);
  if (wasNeverQueued(first)) return { next: `${key}#after:${answer.id}` };
  return { ends: 'replay', answer, ...(first ? { first } : {}) };
}

/** What a key already answers: no new message is stored for the request (StoreOutcome but `stored`). */
export type KeyAnswer = Exclude<StoreOutcome, { outcome: 'stored' }>;

function replayOf(step: Extract<SlotStep, { ends: 'replay' }>): KeyAnswer {
  const unclaimed = step.first?.status === 'accepted' ? step.first : undefined;
  return { outcome: 'replay', answer: step.answer, ...(unclaimed ? { unclaimed } : {}) };
}

/**
 * What the key already answers, read along its slots as storeOnce will write them; undefined when
 * the request will store a new message, which only then the anti-loop rules count. A replay (of a
 * message that went, or may go, to a queue), a key holding another request (422) or a key used up
 * sends nothing new, and needs no store. A retry whose earlier attempts never queued sends a new
 * message, which the rules must count even when the window the first attempt opened has ended.
 */
export async function answeredBefore(
  deps: Pick<ApiDeps, 'messages'>,
  request: KeyedRequest,
): Promise<KeyAnswer | undefined> {
  let slot = request.key;
  for (let attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
    const existing = await deps.messages.readIdempotency(slot);
    if (!existing) return undefined;
    if (existing.requestHash !== request.requestHash) {
      return { outcome: 'conflict', sameMessage: existing.fingerprint === request.fingerprint };
    }
    const step = await stepPast(deps, request.key, existing);
    if ('ends' in step) return replayOf(step);
    slot = step.next;
  }
  return { outcome: 'exhausted' };
}

/** Stores the record under the idempotency key, or finds the first answer given for it. */
export async function storeOnce(
  deps: Pick<ApiDeps, 'messages' | 'log'>,
  record: MessageRecord,
  answer: AcceptedAnswer,
  request: KeyedRequest,
): Promise<StoreOutcome> {
  let slot = request.key;
  const walked: string[] = [];
  for (let attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
    const result = await deps.messages.createAccepted(record, {
      key: slot,
      requestHash: request.requestHash,
      response: answer,
      fingerprint: request.fingerprint,
    });
    if (result.created) {
      await keepChainAlive(deps, walked, request.requestHash);
      return { outcome: 'stored' };
    }
    if (result.existing.requestHash !== request.requestHash) {
      return { outcome: 'conflict', sameMessage: result.existing.fingerprint === request.fingerprint };
    }
    const step = await stepPast(deps, request.key, result.existing);
    if ('ends' in step) return replayOf(step);
    walked.push(slot);
    slot = step.next;
  }
  return { outcome: 'exhausted' };
}

/**
 * The slots in front of the one just stored live as long as it does: each lived from its own
 * attempt, so the key's first slot, made a day before a retry stored the message, would expire
 * first, and the next retry would store and send a new message instead of replaying this one.
 * Best effort: the message is stored, and its answer is the caller's either way.
 */
async function keepChainAlive(
  deps: Pick<ApiDeps, 'messages' | 'log'>,
  walked: readonly string[],
  hash: string,
): Promise<void> {
  try {
    await Promise.all(walked.map((slot) => deps.messages.keepIdempotencyAlive(slot, hash)));
  } catch (error) {
    deps.log.warn('earlier idempotency slots of the key not extended', { error });
  }
}
