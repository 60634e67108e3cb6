import { MessageNotFoundError } from '#core/aws/errors.ts';
import {
  conditionalUpdate,
  type MessageTable,
  recordStatus,
  type TransitionResult,
} from '#core/aws/messages/message-writes.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import {
  allowedPredecessors,
  RECEIPT_UNKNOWN,
  receiptOutcomeToStatus,
} from '#core/domain/messages/message-state.ts';
import type { DeliveryChannel } from '#core/domain/provider/error-codes.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';
import { receiptFields, setReceiptFields } from '#core/domain/receipts/receipt-fields.ts';

// A receipt for a message with ONE SMSC id, applied without reading the message first. The SMSC#
// lookup item already said what the read was for (the message id, its channel, that it has one SMSC
// id); what is left is the status check, which the update's condition makes: the status must be one
// the receipt's outcome may follow, and the message must still have exactly one SMSC id. The write is
// the one applyReceiptToMessage would make for a message in such a status (and no missing part id). When the condition fails
// (a repeated or late receipt) the answer is undefined and the caller decides on a fresh read, as
// before; so does a receipt carrying read/clicked, which may be a follow-up on a delivered message.

/** 'applied' or 'stale' when decided without a read; undefined when the caller must read. */
export async function applySingleIdReceipt(
  table: MessageTable,
  messageId: string,
  receipt: DeliveryReceipt,
  channel: DeliveryChannel,
): Promise<TransitionResult | undefined> {
  if (receipt.read || receipt.clicked) return undefined;
  const at = table.now().toISOString();
  const target = receiptOutcomeToStatus(receipt.outcome);
  const update = new UpdateExpressionBuilder();
  if (target) {
    recordStatus(update, target, at);
    setReceiptFields(update, receiptFields(receipt), channel, target);
    update.conditionIn('status', allowedPredecessors(target));
    // SINGLE, parts never sent: not delivered whole. The read path decides (message-receipts.ts).
    if (target === 'delivered') update.condition(`attribute_not_exists(${update.name('unsentParts')})`);
  } else if (receipt.outcome === 'unknown') {
    // stat:UNKNOWN: the provider cannot tell either; the message ends `unknown` with the err code.
    recordStatus(update, RECEIPT_UNKNOWN.to, at);
    setReceiptFields(update, receiptFields(receipt), channel, RECEIPT_UNKNOWN.to);
    update.conditionIn('status', [RECEIPT_UNKNOWN.from]);
  } else {
    // ENROUTE without flags changes nothing in any status (the read path answers 'stale' as well).
    return 'stale';
  }
  update.condition(`size(${update.name('smscIds')}) = ${update.value(1)}`);
  // SINGLE, `unknown` with a part whose id is still missing: that part has to report as well.
  const expected = update.name('expectedSmscIds');
  update.condition(`attribute_not_exists(${expected}) OR ${expected} <= ${update.value(1)}`);
  try {
    const result = await conditionalUpdate(table, messageId, update, 'apply receipt');
    return result === 'applied' ? 'applied' : undefined;
  } catch (error) {
    // The message is gone (TTL): nothing to update, and redelivery would not change that.
    if (error instanceof MessageNotFoundError) return 'stale';
    throw error;
  }
}
