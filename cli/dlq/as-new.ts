import { ulidOf } from '#bind-service/dispatch/intake/derived-id.ts';

// `--as-new`: a dead letter rejected before it was sent goes back as a new message. It keeps its
// content but not what ties it to the rejected record: its `id` and `idempotencyKey` (the
// bind-service would take it for a copy of that message and drop it), nor `acceptedAt` (the old
// message's validity has nothing to do with the new one's). Its new id is derived from the old one,
// not drawn: a second `--as-new` of the same entry (its delete from the DLQ failed, or a crash came
// between copy and delete) makes a copy with the same id, which the bind-service claims once, so
// the message cannot be sent twice, and the operator can follow it by that id at once.

/**
 * A ULID whose time part is 0, as an id derived from an idempotency key has (derived-id.ts): the
 * bind-service then counts the validity from when SQS got the copy, not from an id time.
 */
export function asNewId(oldId: string): string {
  return ulidOf(0, `redrive-as-new:${oldId}`);
}

/** The body of the new message: `fields` without the old identity, under `asNewId(oldId)`. */
export function asNewBody(fields: Record<string, unknown>, oldId: string): string {
  const { id: _id, idempotencyKey: _key, acceptedAt: _acceptedAt, ...content } = fields;
  return JSON.stringify({ ...content, id: asNewId(oldId) });
}
