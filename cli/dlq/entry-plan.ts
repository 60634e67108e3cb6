import { isKey, queueMessageId } from '#bind-service/dispatch/intake/derived-id.ts';
import { parseQueueJson } from '#bind-service/dispatch/intake/queue-json.ts';
import { isMessageId } from '#core/domain/messages/message-id.ts';
import { isFinal, type MessageStatus } from '#core/domain/messages/message-state.ts';
import { ID_REUSED } from '#core/domain/messages/same-content.ts';
import { asNewBody, asNewId } from './as-new.ts';

// Whether a dead letter may go back to its queue, decided from the record of the message it was.
// The bind-service knows a queue message by its `id`, else by its `idempotencyKey` scoped to the
// publisher's SenderId, else by its SQS MessageId and SentTimestamp (bind-service/dispatch/intake/
// derived-id.ts), and claims each id once: a copy that keeps that id is the same message to it, and
// once that message's record is final the copy is deleted unsent. Moving such a copy would print
// "moved" for a message that is never sent, so it stays on the DLQ, reported. A dead letter SQS
// itself moved (past its receive limit) keeps its MessageId, SentTimestamp and SenderId, so its id is
// derived as the bind-service derived it; the copy carries that id in its body, since the copy's own
// MessageId and the redriver's SenderId would make it another message (sent twice). A copy of a
// message rejected before it was sent without an id or key of its own gets an id derived from the
// record's, the same for every copy of one entry (an SDK retry of a copy call whose answer was lost,
// a rerun after a call that failed whole). `--as-new` moves a message rejected before it was sent
// as a new message (as-new.ts), which cannot send it twice either.

/** What the API says of the record a dead letter names. */
export type RecordLookup =
  | {
      kind: 'found';
      status: MessageStatus;
      /** It reached `submitting` at some point. */
      wasSent: boolean;
      /** Its error, when it has one (e.g. a refusal on arrival's code and why). */
      error?: { code: string; description: string };
    }
  /** No such record, or one of an account these credentials may not read (the API answers alike). */
  | { kind: 'missing' }
  | { kind: 'unreadable'; reason: string };

export type HoldReason =
  /** Rejected before it was sent, and the copy keeps its id or key: `--as-new` moves it. */
  | 'rejected'
  /** Rejected on arrival for naming another account: any copy back to this queue is rejected again. */
  | 'wrong-queue'
  /** Its id names another message (its record is that one's): `--as-new` moves it under its own. */
  | 'id-reused'
  /** Final otherwise (or rejected after it was sent): redriven, dropped unsent or sent twice. */
  | 'final'
  /** Not final and past `accepted`, or `accepted` without an id to claim it by: the stack is at it. */
  | 'in-progress'
  /** The bind-service named a record the API does not show. */
  | 'missing'
  | 'unreadable'
  /** `--as-new` moved it before (its new message exists): this entry is a leftover. */
  | 'moved-as-new';

export type EntryPlan =
  | {
      action: 'move';
      body: string;
      /** Moved as a new message: the rejected record it leaves behind, and the new message's id. */
      asNew?: { from: string; id: string };
      /** The id the copy was given (its body had none), the same for every copy of the entry. */
      pinned?: string;
    }
  | {
      action: 'hold';
      id: string;
      why: HoldReason;
      status?: MessageStatus;
      detail?: string;
      /** 'moved-as-new': the new message's id. */
      newId?: string;
    };

/**
 * The DLQ entry as the CLI reads it: its body, the `messageId` attribute the bind-service sets, and
 * what SQS keeps of the queue message when it moves one itself.
 */
export interface DeadLetter {
  body: string;
  messageId?: string;
  /** The DLQ entry's SQS MessageId: the original's, when SQS moved it. */
  sqsMessageId?: string;
  sentTimestampMs?: number;
  senderId?: string;
  /** The bind-service's refusal code and why (attributes `errorCode`, `errorDescription`). */
  errorCode?: string;
  /**
   * The queue message it was, as the bind-service names it (attribute `sqsMessageId`): the same for
   * every DLQ entry it made of one queue message (dead-lettered again after a lost answer).
   */
  sourceSqsMessageId?: string;
  errorDescription?: string;
}

type Fields = Record<string, unknown>;

/** The bind-service's refusal of a message naming another account than its queue's. */
const WRONG_QUEUE = 'wrong_queue';

function fieldsOf(body: string): Fields | undefined {
  try {
    const parsed = parseQueueJson(body);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Fields)
      : undefined;
  } catch {
    return undefined;
  }
}

/** True when a copy of this body is the same message to the bind-service (derived-id.ts). */
function keepsIdentity(fields: Fields | undefined): boolean {
  return fields !== undefined && (isMessageId(fields.id) || isKey(fields.idempotencyKey));
}

/** The record a dead letter is of, and whether its body lacks that id (it was derived). */
export interface NamedRecord {
  id: string;
  derived: boolean;
}

/**
 * The record to look up: the one the bind-service named, else the body's own id, else the id the
 * bind-service derived for it; none when nothing is known to derive it from.
 */
export function recordOf(entry: DeadLetter): NamedRecord | undefined {
  if (entry.messageId) return { id: entry.messageId, derived: false };
  const fields = fieldsOf(entry.body);
  if (isMessageId(fields?.id)) return { id: fields.id, derived: false };
  const { sqsMessageId, sentTimestampMs } = entry;
  if (sqsMessageId === undefined || sentTimestampMs === undefined || !Number.isFinite(sentTimestampMs))
    return undefined;
  const delivery = { sqsMessageId, sentTimestampMs, ...(entry.senderId ? { senderId: entry.senderId } : {}) };
  return { id: queueMessageId(delivery, fields ?? entry.body), derived: true };
}

/** `lookup`: of `recordOf(entry)`, when it names one. */
export function planEntry(entry: DeadLetter, lookup: RecordLookup | undefined, asNew: boolean): EntryPlan {
  const named = recordOf(entry);
  const fields = fieldsOf(entry.body);
  // A derived id goes into the copy's body: the copy is then the message the bind-service knew.
  const move: EntryPlan =
    named?.derived && fields !== undefined
      ? { action: 'move', body: JSON.stringify({ ...fields, id: named.id }), pinned: named.id }
      : { action: 'move', body: entry.body };
  // Nothing to ask of (a body not JSON, or an entry without its SQS facts): moved as it is; one
  // with an id or key is claimed once; one without is pinned to the entry's SQS MessageId.
  if (named === undefined || lookup === undefined) {
    if (keepsIdentity(fields) || fields === undefined || entry.sqsMessageId === undefined) return move;
    const pinned = asNewId(`sqs:${entry.sqsMessageId}`);
    return { action: 'move', body: JSON.stringify({ ...fields, id: pinned }), pinned };
  }
  const { id } = named;
  // The record it names is another message's: what that record says is nothing of this entry.
  if (entry.errorCode === ID_REUSED) return reusedIdPlan(entry, id, fields, asNew);
  if (lookup.kind === 'unreadable') return { action: 'hold', id, why: 'unreadable', detail: lookup.reason };
  if (lookup.kind === 'missing') {
    // The bind-service writes the record before it dead-letters: not seeing it says nothing of it.
    // A derived id without a record: the bind-service never recorded it (or these credentials may
    // not read it), and the copy under that id is claimed once either way.
    return entry.messageId ? { action: 'hold', id, why: 'missing' } : move;
  }
  const { status } = lookup;
  if (status === 'rejected' && !lookup.wasSent && lookup.error?.code === WRONG_QUEUE) {
    // Its account's queue is another: this DLQ's source queue would only reject it again.
    return { action: 'hold', id, why: 'wrong-queue', status, detail: lookup.error.description };
  }
  if (status === 'rejected' && !lookup.wasSent) {
    // Without an id or key it arrives as a new message anyway: under an id derived from the old one,
    // as --as-new gives, so that two copies of it are one message.
    if (!keepsIdentity(fields) && fields !== undefined) {
      return { action: 'move', body: asNewBody(fields, id), asNew: { from: id, id: asNewId(id) } };
    }
    if (!keepsIdentity(fields)) return move;
    if (!asNew || fields === undefined) return { action: 'hold', id, why: 'rejected', status };
    return { action: 'move', body: asNewBody(fields, id), asNew: { from: id, id: asNewId(id) } };
  }
  if (isFinal(status)) return { action: 'hold', id, why: 'final', status };
  // `accepted`: never claimed, so a copy with its id is sent once, by the claim.
  if (status === 'accepted' && (keepsIdentity(fields) || named.derived)) return move;
  return { action: 'hold', id, why: 'in-progress', status };
}

/**
 * An entry refused because its id names another message: held, saying why, or (`--as-new`) moved
 * under a new id of its own. Several publishes may reuse one id, so the new id is derived from the
 * queue message the entry was too: the same for every entry of one publish (the bind-service may
 * dead-letter it twice) and every rerun, another for another publish.
 */
function reusedIdPlan(entry: DeadLetter, id: string, fields: Fields | undefined, asNew: boolean): EntryPlan {
  if (!asNew || fields === undefined) {
    return {
      action: 'hold',
      id,
      why: 'id-reused',
      ...(entry.errorDescription ? { detail: entry.errorDescription } : {}),
    };
  }
  const from = `${id}@${entry.sourceSqsMessageId ?? entry.sqsMessageId ?? ''}`;
  return { action: 'move', body: asNewBody(fields, from), asNew: { from: id, id: asNewId(from) } };
}

/**
 * A move as new, checked against the record of its new id (`lookup`): found, an earlier redrive
 * moved this entry already and only its delete from the DLQ failed; moving it again would be dropped
 * as a copy, so it is reported instead of counted as moved.
 */
export function confirmAsNew(plan: EntryPlan, lookup: RecordLookup): EntryPlan {
  if (plan.action !== 'move' || !plan.asNew) return plan;
  const { from, id } = plan.asNew;
  if (lookup.kind === 'unreadable')
    return { action: 'hold', id: from, why: 'unreadable', detail: lookup.reason };
  if (lookup.kind === 'found')
    return { action: 'hold', id: from, why: 'moved-as-new', status: lookup.status, newId: id };
  return plan;
}
