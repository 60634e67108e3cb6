import { createHash } from 'node:crypto';

// `--as-new`: a dead letter rejected before it was sent goes back as a new message. It keeps its
// content but not what ties it to the rejected record: its `id` and `idempotencyKey` (the
// bind-service would take it for a copy of that message and drop it), nor `acceptedAt` (the old
// message's validity has nothing to do with the new one's). Its new id is derived from the old one,
// not drawn: a second `--as-new` of the same entry (its delete from the DLQ failed, or a crash came
// between copy and delete) makes a copy with the same id, which the bind-service claims once, so
// the message cannot be sent twice, and the operator can follow it by that id at once.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID whose time part is 0, as an id derived from an idempotency key has (derived-id.ts): the
 * bind-service then counts the validity from when SQS got the copy, not from an id time.
 */
export function asNewId(oldId: string): string {
  const digest = createHash('sha256').update(`redrive-as-new:${oldId}`).digest();
  let random = BigInt(`0x${digest.subarray(0, 10).toString('hex')}`);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = ALPHABET[Number(random & 31n)] + out;
    random >>= 5n;
  }
  return '0'.repeat(10) + out;
}

/** The body of the new message: `fields` without the old identity, under `asNewId(oldId)`. */
export function asNewBody(fields: Record<string, unknown>, oldId: string): string {
  const { id: _id, idempotencyKey: _key, acceptedAt: _acceptedAt, ...content } = fields;
  return JSON.stringify({ ...content, id: asNewId(oldId) });
}
