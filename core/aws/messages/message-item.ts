import type { MessageRecord } from '#core/domain/messages/message-model.ts';
import { contentFingerprint } from '#core/domain/messages/same-content.ts';
import type { DeliveryChannel } from '#core/domain/provider/error-codes.ts';
import type { PartOutcome } from '#core/domain/receipts/part-outcomes.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';

export type { PartOutcome };

// Item layout of the messages table (see MESSAGES_TABLE): keys of each item kind and the mapping
// between a MessageRecord and its stored item. Exported so the stream consumer reads images the same
// way the repository does.

export const itemKey = {
  message: (id: string) => ({ pk: `MSG#${id}` }),
  /**
   * `smscId` must already be normalised (normaliseSmscId). `scope`: the account whose login the SMSC
   * gave the id to, for every account but the default (SmscScope says why).
   */
  smsc: (smscId: string, scope?: string) => ({ pk: smscLookupPk(smscId, scope) }),
  idempotency: (key: string) => ({ pk: `IDEM#${key}` }),
  lease: (systemId: string) => ({ pk: `LEASE#${systemId}` }),
  /** When a receipt of `scope`'s login (the default's: undefined) was last parked as an orphan. */
  orphanMark: (scope?: string) => ({ pk: scope === undefined ? 'ORPHANS' : `ORPHANS#${scope}` }),
} as const;

export const MESSAGE_KEY_PREFIX = 'MSG#';

const SMSC_KEY_PREFIX = 'SMSC#';

function smscLookupPk(smscId: string, scope: string | undefined): string {
  return scope === undefined ? `${SMSC_KEY_PREFIX}${smscId}` : `${SMSC_KEY_PREFIX}${scope}#${smscId}`;
}

/** The SMSC id an `SMSC#` lookup key of `scope` names; undefined for another scope's key. */
export function smscIdOfLookupPk(pk: string, scope: string | undefined): string | undefined {
  const prefix = smscLookupPk('', scope);
  if (!pk.startsWith(prefix)) return undefined;
  const smscId = pk.slice(prefix.length);
  // Account names hold no '#' and SMSC ids are normalised digits or hex: a '#' left is a scope's.
  return smscId.includes('#') ? undefined : smscId;
}

export interface MessageItem extends MessageRecord {
  pk: string;
  /** TTL, epoch seconds. */
  expiresAt: number;
  /** Only on messages with several distinct SMSC ids; `{}` from `submitted` on. */
  partOutcomes?: Record<string, PartOutcome>;
  /** The SQS MessageId of the queue message whose delivery claimed it (claimForSubmit). */
  claimedBy?: string;
  /**
   * SINGLE mode, `unknown` with fewer SMSC ids than parts went on the wire: how many ids it has once
   * every such part is known. Its receipts resolve it only then (part-outcomes.ts).
   */
  expectedSmscIds?: number;
  /**
   * SINGLE mode, `unknown`: parts never sent after earlier ones were accepted. The SMSC hands each
   * part on by itself, so its receipts may all say delivered: the message still is `undelivered`.
   */
  unsentParts?: number;
  /**
   * Published straight to SQS and recorded by the bind-service, which has yet to hear the anti-loop
   * rules on it: its claim waits for them (MessageRepository.claimForSubmit), on every receive until
   * one claims it, so a verdict lost to a failure is asked again instead of skipped.
   */
  awaitingRules?: true;
  /**
   * What the record sends (contentFingerprint), written when it is created: a claim requires it to
   * match its queue message's (ClaimOptions.content). Records of versions before it have none.
   */
  contentFingerprint?: string;
  /** The byAttention index entry, only while the record needs a second look (attention.ts). */
  attention?: string;
  attentionAt?: string;
}

/** How many SMSC ids a message has, counting those of parts on the wire whose answer is missing. */
export function smscIdCountOf(item: Pick<MessageItem, 'smscIds' | 'expectedSmscIds'>): number {
  return Math.max(item.smscIds.length, item.expectedSmscIds ?? 0);
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
  /** The anti-loop fingerprint of the message (absent on records of the version before). */
  fingerprint?: string;
  messageId: string;
  createdAt: string;
  expiresAt: number;
}

/** Partition values per hour of the `accepted` entries in byAttention (attention.ts says why). */
export const ACCEPTED_SHARDS = 4;

export interface AttentionMark {
  attention: string;
  attentionAt: string;
}

/**
 * The byAttention entry of an `accepted` record: `accepted#<hour of at>#<shard>`, sorted by `at` (an
 * ISO time: when it became `accepted`, or when the sweeper should look at it again).
 */
export function acceptedAttention(id: string, at: string): AttentionMark {
  return { attention: `accepted#${at.slice(0, 13)}#${shardOf(id)}`, attentionAt: at };
}

/** Ids spread evenly: ULIDs end in random characters. */
function shardOf(id: string): number {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return hash % ACCEPTED_SHARDS;
}

/** The attribute of a record whose claim waits for the anti-loop rules (MessageItem.awaitingRules). */
export const AWAITING_RULES = 'awaitingRules';

/** The attribute holding a record's content fingerprint (MessageItem.contentFingerprint). */
export const CONTENT_FINGERPRINT = 'contentFingerprint';

/** A new record's item; an `accepted` one carries its byAttention entry (attention.ts). */
export function toMessageItem(
  record: MessageRecord,
  expiresAt: number,
  options: { awaitingRules?: boolean } = {},
): MessageItem {
  const attention = record.status === 'accepted' ? acceptedAttention(record.id, record.createdAt) : {};
  const rules = options.awaitingRules ? { [AWAITING_RULES]: true as const } : {};
  return {
    ...record,
    ...itemKey.message(record.id),
    expiresAt,
    [CONTENT_FINGERPRINT]: contentFingerprint(record),
    ...attention,
    ...rules,
  };
}

/** Strips the storage-only attributes. Works on stream images (unmarshalled) as well. */
export function fromMessageItem(item: Record<string, unknown>): MessageRecord {
  const {
    pk: _pk,
    expiresAt: _expiresAt,
    partOutcomes: _parts,
    claimedBy: _claimedBy,
    attention: _attention,
    attentionAt: _attentionAt,
    awaitingRules: _awaitingRules,
    contentFingerprint: _contentFingerprint,
    ...record
  } = item;
  // Items under MSG# are written only by this adapter, from MessageRecords: no re-validation here.
  return record as unknown as MessageRecord;
}

export function isMessageItem(item: Record<string, unknown>): boolean {
  return typeof item.pk === 'string' && item.pk.startsWith(MESSAGE_KEY_PREFIX);
}
