import { fromMessageItem, isMessageItem } from '#core/aws/messages/message-item.ts';
import { AdapterError } from '#core/domain/errors.ts';
import {
  DETAIL_TYPES,
  EVENT_SOURCE,
  MESSAGE_STATUS_CHANGED_VERSION,
  type MessageStatusChanged,
  messageStatusChangedSchema,
} from '#core/domain/events/message-status-changed.ts';
import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { MESSAGE_STATUSES, type MessageStatus } from '#core/domain/messages/message-state.ts';
import { fromStreamImage } from './attribute-values.ts';
import type { DynamoDbStreamRecord, StreamImage } from './stream-event.ts';

// Pure mapping from a stream record to the event other systems get: which record changes are worth
// an event, and what the event says. No I/O here, so every rule is unit-tested on plain records.

export { EVENT_SOURCE, type MessageStatusChanged };
export const EVENT_DETAIL_TYPE = DETAIL_TYPES.messageStatusChanged;

export interface StatusChange {
  event: MessageStatusChanged;
  /** Only when the sender asked for callbacks. */
  callbackUrl?: string;
}

/**
 * Entering `submitting` (the bind-service's claim) and going back to `accepted` (a released claim)
 * are bookkeeping inside the bind-service, not news for the owner: a message would otherwise
 * produce an event (and a callback) per SQS attempt.
 */
const INTERNAL_STATUSES: ReadonlySet<MessageStatus> = new Set(['accepted', 'submitting']);

/**
 * The change a stream record carries, or undefined when it carries none worth telling: another item
 * kind (SMSC lookups, idempotency, lease), an INSERT of an `accepted` record (the caller already
 * has the 202), a removal (TTL), a write that changed neither the status nor read/clicked (e.g. a
 * part's receipt of a SINGLE message), or a move into an internal status. An INSERT past `accepted`
 * (an invalid queue message's record, written `rejected` in one put) is its move from `accepted`.
 */
export function statusChangeOf(record: DynamoDbStreamRecord): StatusChange | undefined {
  const images = record.dynamodb;
  if (!images?.NewImage) return undefined;
  if (record.eventName === 'INSERT') return insertedPastAccepted(images.NewImage);
  if (record.eventName !== 'MODIFY' || !images.OldImage) return undefined;
  const newItem = fromStreamImage(images.NewImage);
  if (!isMessageItem(newItem)) return undefined;
  const next = readRecord(newItem);
  const previous = readRecord(fromStreamImage(images.OldImage));

  const statusChanged = next.status !== previous.status;
  const flagsRaised = (next.read && !previous.read) || (next.clicked && !previous.clicked);
  if (statusChanged ? INTERNAL_STATUSES.has(next.status) : !flagsRaised) return undefined;
  return changeOf(next, previous.status);
}

function insertedPastAccepted(image: StreamImage): StatusChange | undefined {
  const item = fromStreamImage(image);
  if (!isMessageItem(item)) return undefined;
  const record = readRecord(item);
  if (INTERNAL_STATUSES.has(record.status)) return undefined;
  // Every record starts `accepted`; one written past it has that as its first history entry.
  return changeOf(record, 'accepted');
}

function changeOf(record: MessageRecord, previousStatus: MessageStatus): StatusChange {
  const event = toEvent(record, previousStatus);
  return record.callbackUrl ? { event, callbackUrl: record.callbackUrl } : { event };
}

/** A stream image this code cannot read: what the table handed over is not a message record. */
export class UnreadableImageError extends AdapterError {
  readonly code = 'unreadable_image';

  constructor(readonly field: string) {
    super(`message image has no valid ${field}`);
  }
}

/** The fields an event cannot do without are checked; the rest is as the repository wrote it. */
function readRecord(item: Record<string, unknown>): MessageRecord {
  const record = fromMessageItem(item);
  if (typeof record.id !== 'string') throw new UnreadableImageError('id');
  if (!(MESSAGE_STATUSES as readonly unknown[]).includes(record.status))
    throw new UnreadableImageError('status');
  if (typeof record.updatedAt !== 'string') throw new UnreadableImageError('updatedAt');
  return record;
}

/**
 * Built through the contract's schema (core/domain/events): what is emitted is exactly what
 * docs/events.md describes, and a record that cannot make a valid event is refused here, not sent.
 */
function toEvent(record: MessageRecord, previousStatus: MessageStatus): MessageStatusChanged {
  const parsed = messageStatusChangedSchema.safeParse({
    schemaVersion: MESSAGE_STATUS_CHANGED_VERSION,
    id: record.id,
    status: record.status,
    previousStatus,
    sequence: sequenceOf(record),
    kind: record.kind,
    to: record.to,
    clientRef: record.clientRef ?? null,
    batchId: record.batchId ?? null,
    account: record.account ?? null,
    parts: record.parts,
    smscIds: record.smscIds ?? [],
    error: record.error ?? null,
    cost: record.cost ?? null,
    mccmnc: record.mccmnc ?? null,
    read: record.read === true,
    clicked: record.clicked === true,
    hlr: record.hlr ?? null,
    report: record.report ?? null,
    at: record.updatedAt,
  });
  if (!parsed.success) throw new UnreadableImageError(String(parsed.error.issues[0]?.path.join('.') ?? '?'));
  return parsed.data;
}

/**
 * Every write that makes an event appends a status to history or raises read/clicked, so this count
 * grows with each event of a message and is the same for a redelivered one (the dedupe key's part).
 */
function sequenceOf(record: MessageRecord): number {
  const history = Array.isArray(record.history) ? record.history.length : 0;
  return Math.max(1, history) + (record.read === true ? 1 : 0) + (record.clicked === true ? 1 : 0);
}
