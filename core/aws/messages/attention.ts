import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';

// The messages table's sparse `byAttention` index (resource-definitions.ts) lists the messages that
// need a second look. This module owns its `unknown` partition: messages whose submit outcome is
// `unknown` but that have SMSC ids, so QUERY_SM can still tell what became of them (the bind-service's
// reconciler asks). `attentionAt` is when the message last needed looking at: the write that made it
// so, or the reconciler's last question that got no final answer. Every other status write removes
// both attributes (recordStatus), so a resolved message drops out of the index by itself.

export const UNKNOWN_ATTENTION = 'unknown';

/** Lists the message in the `unknown` partition, as of `at` (ISO). */
export function markForQuery(update: UpdateExpressionBuilder, at: string): void {
  update.set('attention', UNKNOWN_ATTENTION).set('attentionAt', at);
}

/** Takes the message out of the index. */
export function clearAttention(update: UpdateExpressionBuilder): void {
  update.remove('attention').remove('attentionAt');
}
