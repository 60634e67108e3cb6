import { fromMessageItem, isMessageItem } from '#core/aws/messages/message-item.ts';
import { AdapterError } from '#core/domain/errors.ts';
import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import type { MessageError, MessageRecord, ProviderReport } from '#core/domain/messages/message-model.ts';
import { MESSAGE_STATUSES, type MessageStatus } from '#core/domain/messages/message-state.ts';
import { fromStreamImage } from './attribute-values.ts';
import type { DynamoDbStreamRecord } from './stream-event.ts';

// Pure mapping from a stream record to the event other systems get: which record changes are worth
// an event, and what the event says. No I/O here, so every rule is unit-tested on plain records.

export const EVENT_SOURCE = 'sms-sender';
export const EVENT_DETAIL_TYPE = 'MessageStatusChanged';

/**
 * The `detail` of the EventBridge event and the body of a callback. `to` is the full recipient:
 * the event is for the owner's own systems. It is never written to a log line.
 */
export interface MessageStatusChanged {
  id: string;
  status: MessageStatus;
  previousStatus: MessageStatus;
  kind: MessageKind;
  to: string;
  clientRef: string | null;
  batchId: string | null;
  parts: number;
  smscIds: string[];
  error: MessageError | null;
  cost: string | null;
  mccmnc: string | null;
  read: boolean;
  clicked: boolean;
  hlr: Record<string, string> | null;
  /** What the provider's receipt said beyond the status: message type, template, parts, dates. */
  report: ProviderReport | null;
  /** When the change was written (the record's updatedAt), ISO 8601 UTC. */
  at: string;
}

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
 * kind (SMSC lookups, idempotency, lease), an INSERT (the caller already has the 202), a removal (TTL),
 * a write that changed neither the status nor read/clicked (e.g. a part's receipt of a SINGLE
 * message), or a move into an internal status.
 */
export function statusChangeOf(record: DynamoDbStreamRecord): StatusChange | undefined {
  const images = record.dynamodb;
  if (record.eventName !== 'MODIFY' || !images?.NewImage || !images.OldImage) return undefined;
  const newItem = fromStreamImage(images.NewImage);
  if (!isMessageItem(newItem)) return undefined;
  const next = readRecord(newItem);
  const previous = readRecord(fromStreamImage(images.OldImage));

  const statusChanged = next.status !== previous.status;
  const flagsRaised = (next.read && !previous.read) || (next.clicked && !previous.clicked);
  if (statusChanged ? INTERNAL_STATUSES.has(next.status) : !flagsRaised) return undefined;

  const event = toEvent(next, previous.status);
  return next.callbackUrl ? { event, callbackUrl: next.callbackUrl } : { event };
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

function toEvent(record: MessageRecord, previousStatus: MessageStatus): MessageStatusChanged {
  return {
    id: record.id,
    status: record.status,
    previousStatus,
    kind: record.kind,
    to: record.to,
    clientRef: record.clientRef ?? null,
    batchId: record.batchId ?? null,
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
  };
}
