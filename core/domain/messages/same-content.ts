import { createHash } from 'node:crypto';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';

// Whether two records of one id are the same message: the fields that decide what is sent and to
// whom, as a record holds them (recipient normalised, validity filled in, the encoding as asked).
// A queue message is compared by the record it would have made (the bind-service builds it the way
// it creates records), so the API's body and the sweeper's, rebuilt from the record itself
// (queue-body.ts), compare equal to it. What only describes or routes a message (clientRef,
// callbackUrl, batchId, the lane) is left out: a copy differing there still sends the same SMS.
// What is derived (encoding, data coding, parts) is left out too: it follows from the fields
// compared and the account's settings, which may change between two receives.

/**
 * The refusal code of a queue message whose id names a record of other content (a DLQ entry's
 * `errorCode`; its record is the other message's, so the entry alone says why).
 */
export const ID_REUSED = 'id_reused';

export const SENT_CONTENT_FIELDS = [
  'to',
  'kind',
  'text',
  'from',
  'subject',
  'voice',
  'bot',
  'comment',
  'udh',
  'requestedEncoding',
  'validityMinutes',
  'account',
] as const satisfies readonly (keyof MessageRecord)[];

export type SentContentField = (typeof SENT_CONTENT_FIELDS)[number];

/**
 * The fields in which `candidate` would send another message than `stored` (none: the same message).
 * The account is compared only when both name one: records written before accounts existed have
 * none, and a queue message naming none is routed again on every receive (a rule changed meanwhile
 * must not make a redelivery another message).
 */
export function contentDifferences(
  stored: Pick<MessageRecord, SentContentField>,
  candidate: Pick<MessageRecord, SentContentField>,
): SentContentField[] {
  return SENT_CONTENT_FIELDS.filter((field) => {
    if (field === 'account' && (stored.account === undefined || candidate.account === undefined))
      return false;
    return comparable(stored[field]) !== comparable(candidate[field]);
  });
}

/**
 * A field's value as compared: texts in their composed form (NFC), as requests have been taken
 * since 374b421. A record written before keeps the caller's decomposed text ("e" + U+0301), while
 * its queue body, read now, is composed: the same message, which must not be refused as another.
 */
function comparable<T>(value: T): T {
  return (typeof value === 'string' ? value.normalize('NFC') : value) as T;
}

/** What a fingerprint covers: every compared field but the account, which is compared apart. */
const FINGERPRINTED_FIELDS = SENT_CONTENT_FIELDS.filter((field) => field !== 'account');

/**
 * A short digest of what `contentDifferences` compares, but the account: equal for two records that
 * send the same message. Written on every new record, so a claim can require the record to be this
 * queue message's in its own condition, with no read (an id reused for other content while its
 * record still waits unclaimed). The account is left out because a queue message naming none is
 * routed again on each receive: a claim compares it apart, and only when the message names one.
 */
export function contentFingerprint(record: Pick<MessageRecord, SentContentField>): string {
  // Fixed field order; null stands for a field the record does not have.
  const values = FINGERPRINTED_FIELDS.map((field) => comparable(record[field]) ?? null);
  return createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
}
