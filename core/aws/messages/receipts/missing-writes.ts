import { type MessageItem, type PartOutcome, smscIdCountOf } from '#core/aws/messages/message-item.ts';
import type { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import { isFinal } from '#core/domain/messages/message-state.ts';
import {
  type MissingField,
  missingFields,
  missingPartFields,
  SUMMED_PART_FIELDS,
} from '#core/domain/receipts/missing-fields.ts';
import { summariseParts, wholeMessageReport } from '#core/domain/receipts/part-outcomes.ts';
import { channelOf, type ReceiptFields } from '#core/domain/receipts/receipt-fields.ts';

// The writes of a receipt that agrees with the final outcome already recorded (missing-fields.ts
// says when that happens and what it fills). They go into the receipt's one conditional update, which
// stays conditional on the status read (message-receipts.ts), so nothing moves.

/**
 * Sets each field on the condition that it is still absent: what `if_not_exists` would do per
 * attribute, said as a condition because our update builder (and its PartiQL form) write plain SETs.
 * A field another writer filled meanwhile fails the write, and the receipt is decided again on a
 * fresh read, which then finds nothing of it missing.
 */
export function setMissing(
  update: UpdateExpressionBuilder,
  fields: readonly MissingField[],
  under: readonly string[] = [],
): void {
  for (const { path, value } of fields) {
    const full = [...under, ...path];
    update.set(full, value);
    update.condition(`attribute_not_exists(${update.name(...full)})`);
  }
}

/** A whole-message receipt agreeing with the message's final status. Whether it fills anything. */
export function fillWholeMessage(
  update: UpdateExpressionBuilder,
  item: MessageItem,
  fields: ReceiptFields,
): boolean {
  const missing = missingFields(item, fields, channelOf(item.kind));
  setMissing(update, missing);
  return missing.length > 0;
}

/**
 * SINGLE mode: a part's receipt with the outcome its part already has (`receipt`, read as a part
 * outcome) fills the part's cost, mccmnc and counts; once the message is final, also the message's
 * fields the parts make: the summed cost and counts, as settling would have written them had the
 * part's cost been known then. Whether it fills anything.
 */
export function fillFromAgreeingPart(
  update: UpdateExpressionBuilder,
  item: MessageItem,
  smscId: string,
  known: PartOutcome,
  receipt: PartOutcome,
  fields: ReceiptFields,
): boolean {
  const partFills = missingPartFields(known, receipt);
  const others = Object.entries(item.partOutcomes ?? {}).filter(([id]) => id !== smscId);
  const messageFills = settledMessageFills(item, [...others, [smscId, { ...known, ...partFills }]], fields);
  if (Object.keys(partFills).length === 0 && messageFills.length === 0) return false;
  const partFields = Object.entries(partFills).map(([field, value]) => ({ path: [field], value }));
  setMissing(update, partFields, ['partOutcomes', smscId]);
  setMissing(update, messageFills);
  // Two parts' fills read at once would each find the other's cost missing and neither write the
  // sum: the other parts must still lack what they lacked when read, or the receipt is decided again.
  for (const [id, other] of others) {
    for (const field of SUMMED_PART_FIELDS) {
      if (other[field] === undefined) {
        update.condition(`attribute_not_exists(${update.name('partOutcomes', id, field)})`);
      }
    }
  }
  return true;
}

/**
 * The message fields its parts make (as settling writes them) that it lacks; none before it is
 * final, when settling will write them, nor when `failed` (a submit refused after some parts, not
 * settled by them).
 */
function settledMessageFills(
  item: MessageItem,
  parts: readonly [string, PartOutcome][],
  fields: ReceiptFields,
): MissingField[] {
  if (!isFinal(item.status) || item.status === 'failed') return [];
  const summary = summariseParts(item.smscIds, Object.fromEntries(parts), smscIdCountOf(item));
  if (!summary.complete) return [];
  const { cost: _partCost, errorCode: _partError, report, ...rest } = fields;
  const messageReport = wholeMessageReport(report, summary.counts);
  return missingFields(
    item,
    {
      ...rest,
      ...(summary.cost !== undefined ? { cost: summary.cost } : {}),
      ...(messageReport !== undefined ? { report: messageReport } : {}),
    },
    channelOf(item.kind),
  );
}
