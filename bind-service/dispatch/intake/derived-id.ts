// The message id of a queue message, the same for every copy of one send, so the conditional create
// and the claim turn a second copy into a no-op:
// - its own `id` (the API publishes with the id it recorded; a direct publisher may give a ULID);
// - else its `idempotencyKey`, scoped to the publisher: hashed with the publisher's IAM identity and
//   the message's content. An SDK retry of SendMessage is a second SQS message (its own MessageId and
//   SentTimestamp) with the same body, so it gets the same id. Keys of two publishers never meet, and
//   a key reused for other content makes another message instead of silently dropping it;
// - else its SQS MessageId (hashed into the 80 random bits of a ULID) and SentTimestamp (the ULID's
//   time): what every delivery of that one SQS message shares. Two SendMessage calls are then two
//   messages, as nothing says they are one.
import { createHash } from 'node:crypto';
import { isMessageId } from '#core/domain/messages/message-id.ts';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '#core/domain/requests/message-schema.ts';
import { canonicalJson } from '#core/support/canonical-json.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const MAX_TIME = 2 ** 48 - 1;

function base32(value: bigint, chars: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[Number(rest & 31n)] + out;
    rest >>= 5n;
  }
  return out;
}

/** A ULID whose random part is a hash of `seed`: the same seed, the same id. */
export function ulidOf(timeMs: number, seed: string): string {
  const time = Number.isInteger(timeMs) && timeMs >= 0 ? Math.min(timeMs, MAX_TIME) : 0;
  const digest = createHash('sha256').update(seed).digest();
  const random = BigInt(`0x${digest.subarray(0, 10).toString('hex')}`);
  return base32(BigInt(time), 10) + base32(random, 16);
}

/** A ULID-shaped message id, the same for every delivery of one SQS message. */
export function deriveMessageId(sqsMessageId: string, sentTimestampMs: number): string {
  return ulidOf(sentTimestampMs, `sqs:${sqsMessageId}`);
}

/**
 * The publisher scope of an idempotency key: the IAM identity in SQS's SenderId attribute, without
 * the session name a role's SenderId carries (`AROA…:session`), since a publisher's retry may come
 * from another session of the same role (a new Lambda container, a restarted task). An IAM user's
 * SenderId is its user id. Empty when SQS gave none.
 */
export function publisherScope(senderId: string | undefined): string {
  return (senderId ?? '').split(':')[0] ?? '';
}

/**
 * The id of a keyed message. Its time part is 0: copies are sent at different times, so no send
 * time is shared by all of them (SentTimestamp gives the message's age instead).
 */
export function keyedMessageId(scope: string, idempotencyKey: string, content: unknown): string {
  const contentHash = createHash('sha256').update(canonicalJson(content)).digest('hex');
  return ulidOf(0, `key:${encodeURIComponent(scope)}/${encodeURIComponent(idempotencyKey)}/${contentHash}`);
}

/** What a delivery tells about its queue message (see ReceivedSqsMessage). */
export interface QueueDelivery {
  sqsMessageId: string;
  sentTimestampMs: number;
  senderId?: string;
}

/** An idempotencyKey the bind-service derives a message's id from. */
export const isKey = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_IDEMPOTENCY_KEY_LENGTH;

/**
 * The id every copy of this queue message shares. `body`: the parsed JSON (any value, for an invalid
 * message too); its `id` counts only when it is a message id.
 */
export function queueMessageId(delivery: QueueDelivery, body: unknown): string {
  const fields = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  if (isMessageId(fields.id)) return fields.id;
  if (isKey(fields.idempotencyKey))
    return keyedMessageId(publisherScope(delivery.senderId), fields.idempotencyKey, body);
  return deriveMessageId(delivery.sqsMessageId, delivery.sentTimestampMs);
}

/**
 * Who holds a claim: the queue message, this receive of it (SQS gives every receive its own receipt
 * handle) and, when given, the task at work on it. A retried claim write then recognises its own
 * committed claim, while a later receive of the same queue message does not; that receive asks
 * whether the task is still at work (redelivery.ts).
 */
export function claimHolder(held: { sqsMessageId: string; receiptHandle: string }, task?: string): string {
  const receive = createHash('sha256').update(held.receiptHandle).digest('base64url').slice(0, 12);
  return task === undefined ? `${held.sqsMessageId}#${receive}` : `${held.sqsMessageId}#${receive}#${task}`;
}

/** The task a claim's holder names; undefined for a claim made without one (an earlier version's). */
export function claimTaskOf(holder: string): string | undefined {
  // SQS MessageIds and the receive's digest hold no '#'; a task's name may.
  const fields = holder.split('#');
  return fields.length > 2 ? fields.slice(2).join('#') : undefined;
}
