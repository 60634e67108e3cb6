import {
  INBOUND_MESSAGE_RECEIVED_VERSION,
  type InboundMessageReceived,
  inboundMessageReceivedSchema,
} from '#core/domain/events/inbound-message-received.ts';
import { fromStreamImage } from './attribute-values.ts';
import { UnreadableImageError } from './status-event.ts';
import type { DynamoDbStreamRecord } from './stream-event.ts';

// Pure mapping from an inbound table stream record to the InboundMessageReceived event. Only the
// INSERT of an incoming message counts: its key makes a redelivered DELIVER_SM a failed conditional
// put, so each message is inserted once. Part assemblies (`IN#PARTS#`) and unparsed receipts
// (`IN#RAW#`) are the bind-service's bookkeeping, not messages.

const MESSAGE_KEYS = ['IN#SMSC#', 'IN#ID#'] as const;

export function isInboundMessageKey(pk: unknown): boolean {
  return typeof pk === 'string' && MESSAGE_KEYS.some((prefix) => pk.startsWith(prefix));
}

/** The event a record carries, or undefined when it carries none; throws when the item is unreadable. */
export function inboundEventOf(record: DynamoDbStreamRecord): InboundMessageReceived | undefined {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image) return undefined;
  const item = fromStreamImage(image);
  if (!isInboundMessageKey(item.pk)) return undefined;
  const parsed = inboundMessageReceivedSchema.safeParse({
    schemaVersion: INBOUND_MESSAGE_RECEIVED_VERSION,
    id: item.id,
    from: item.from,
    to: item.to,
    text: item.text,
    parts: item.parts,
    smscId: typeof item.smscId === 'string' ? item.smscId : null,
    // Items stored before the bind-service wrote `account` still publish, as MessageStatusChanged
    // does for records older than accounts: with null.
    account: typeof item.account === 'string' ? item.account : null,
    receivedAt: item.receivedAt,
  });
  if (!parsed.success) throw new UnreadableImageError(parsed.error.issues[0]?.path.join('.') ?? '?');
  return parsed.data;
}
