import { acceptedAttention } from '#core/aws/messages/message-item.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';

// The byAttention index's marks as parts of an update, in a leaf module: every status write
// (message-writes.ts) clears them and the modules that list a message set them, so they live apart
// from the queries over the index (attention.ts, orphan-receipts.ts) that themselves write messages.

/** The `unknown` partition of records without an account (written before accounts existed). */
export const LEGACY_UNKNOWN_ATTENTION = 'unknown';

/**
 * The `unknown` partition of one account's messages: each account's reconciler reads only its own,
 * so one account's messages that nobody can ask about (its login down, or the account removed from
 * the file) never stand in front of another's.
 */
export function unknownAttention(account: string | undefined): string {
  return account === undefined ? LEGACY_UNKNOWN_ATTENTION : `unknown#${account}`;
}

/** Lists the message in its account's `unknown` partition, as of `at` (ISO). */
export function markForQuery(update: UpdateExpressionBuilder, at: string, account: string | undefined): void {
  update.set('attention', unknownAttention(account)).set('attentionAt', at);
}

/** Lists the record in its `accepted` partition, due at `at` (created, or a claim given back). */
export function setAcceptedAttention(update: UpdateExpressionBuilder, id: string, at: string): void {
  const mark = acceptedAttention(id, at);
  update.set('attention', mark.attention).set('attentionAt', mark.attentionAt);
}

/** Takes the message out of the index. */
export function clearAttention(update: UpdateExpressionBuilder): void {
  update.remove('attention').remove('attentionAt');
}

/** The partition of orphans reported on `recipient` (E.164 or SMPP digits); undefined for no digits. */
export function orphanAttention(recipient: string): string | undefined {
  const digits = recipient.replace(/\D/g, '');
  return digits === '' ? undefined : `orphan#${digits}`;
}
