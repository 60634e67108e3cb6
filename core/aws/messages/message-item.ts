import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import type { DeliveryChannel } from '#core/domain/provider/error-codes.ts';
import type { DeliveryReceipt, ReceiptOutcome } from '#core/domain/receipts/receipt.ts';

// Item layout of the messages table (see MESSAGES_TABLE): keys of each item kind and the mapping
// between a MessageRecord and its stored item. Exported so the stream consumer reads images the same
// way the repository does.

export const itemKey = {
  message: (id: string) => ({ pk: `MSG#${id}` }),
  /** `smscId` must already be normalised (normaliseSmscId). */
  smsc: (smscId: string) => ({ pk: `SMSC#${smscId}` }),
  idempotency: (key: string) => ({ pk: `IDEM#${key}` }),
  lease: (systemId: string) => ({ pk: `LEASE#${systemId}` }),
} as const;

export const MESSAGE_KEY_PREFIX = 'MSG#';

/** One part's receipt, kept per SMSC id when the message was sent with SINGLE (one id per part). */
export interface PartOutcome {
  outcome: ReceiptOutcome;
  errorCode: number;
  cost?: string;
  mccmnc?: string;
  read?: boolean;
  clicked?: boolean;
  at: string;
}

export interface MessageItem extends MessageRecord {
  pk: string;
  /** TTL, epoch seconds. */
  expiresAt: number;
  /** Only on messages with several distinct SMSC ids; `{}` from `submitted` on. */
  partOutcomes?: Record<string, PartOutcome>;
}

/** `SMSC#<id>`: which message an SMSC id belongs to, and receipts that came before we knew. */
export interface SmscLookupItem {
  pk: string;
  messageId?: string;
  /**
   * Written with `messageId` (absent on lookups written before they existed, and when the caller did
   * not say the message's kind): the message's number of distinct SMSC ids and its receipt channel.
   * With one id and a channel, a receipt is applied without reading the message.
   */
  smscIdCount?: number;
  channel?: DeliveryChannel;
  pendingReceipts?: DeliveryReceipt[];
  expiresAt: number;
}

export interface IdempotencyItem {
  pk: string;
  requestHash: string;
  response: unknown;
  messageId: string;
  createdAt: string;
  expiresAt: number;
}

export function toMessageItem(record: MessageRecord, expiresAt: number): MessageItem {
  return { ...record, ...itemKey.message(record.id), expiresAt };
}

/** Strips the storage-only attributes. Works on stream images (unmarshalled) as well. */
export function fromMessageItem(item: Record<string, unknown>): MessageRecord {
  const { pk: _pk, expiresAt: _expiresAt, partOutcomes: _parts, ...record } = item;
  // Items under MSG# are written only by this adapter, from MessageRecords: no re-validation here.
  return record as unknown as MessageRecord;
}

export function isMessageItem(item: Record<string, unknown>): boolean {
  return typeof item.pk === 'string' && item.pk.startsWith(MESSAGE_KEY_PREFIX);
}
