import { acceptedAttention } from '#core/aws/messages/message-item.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';

// The byAttention index's marks as parts of an update, in a leaf module: every status write
// (message-writes.ts) clears them and the modules that list a message set them, so they live apart
// from the queries over the index (attention.ts, orphan-receipts.ts) that themselves write messages.

export const UNKNOWN_ATTENTION = 'unknown';

/** Lists the message in the `unknown` partition, as of `at` (ISO). */
export function markForQuery(update: UpdateExpressionBuilder, at: string): void {
  update.set('attention', UNKNOWN_ATTENTION).set('attentionAt', at);
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
