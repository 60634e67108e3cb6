import { messageIdTime } from '#core/domain/messages/message-id.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { optional } from '#core/domain/messages/optional-field.ts';
import { DEFAULT_VALIDITY_MINUTES, type QueueMessageInput } from '#core/domain/requests/message-schema.ts';

// The SQS body of a message the API has recorded: the validated request (recipient normalised,
// defaults filled) with its id and the envelope. Built from the stored record, so that the API's
// first enqueue, a retry's and the sweeper's re-enqueue of an `accepted` record are the same body.
// The bind-service parses it with the same schema and prepares it with the same function, so it
// plans the encoding and parts the 202 announced.

export function queueBodyOf(record: MessageRecord): QueueMessageInput & { id: string } {
  return {
    to: record.to,
    ...optional('text', record.text),
    ...optional('from', record.from),
    kind: record.kind,
    ...optional('subject', record.subject),
    ...optional('voice', record.voice),
    ...optional('bot', record.bot),
    ...optional('comment', record.comment),
    ...optional('udh', record.udh),
    priority: record.priority,
    encoding: record.requestedEncoding ?? 'auto',
    // The record always holds a validity (the default filled in); the request had one only if given.
    ...(record.validityMinutes === DEFAULT_VALIDITY_MINUTES
      ? {}
      : { validityMinutes: record.validityMinutes }),
    ...optional('clientRef', record.clientRef),
    ...optional('callbackUrl', record.callbackUrl),
    // The account chosen when it was accepted: the bind-service sends under it without routing again,
    // so a routing rule changed meanwhile cannot move a message to another login.
    ...optional('account', record.account),
    id: record.id,
    ...optional('batchId', record.batchId),
    // An id derived from an idempotency key tells no time: its validity counts from the record's
    // creation, whichever copy is sent. Only then, so that the bodies a bind-service of the version
    // before reads during a deploy (it refuses fields it does not know) stay as they were.
    ...(messageIdTime(record.id) === 0 ? { acceptedAt: record.createdAt } : {}),
    v: 1,
  };
}
