import { MessageNotFoundError, RepositoryUnavailableError } from '#core/aws/errors.ts';
import { type MessageItem, type PartOutcome, smscIdCountOf } from '#core/aws/messages/message-item.ts';
import {
  conditionalUpdate,
  getMessageItem,
  type MessageTable,
  recordStatus,
  type TransitionResult,
} from '#core/aws/messages/message-writes.ts';
import { fillFromAgreeingPart, fillWholeMessage } from '#core/aws/messages/receipts/missing-writes.ts';
import {
  completesParts,
  conditionNoPartAdded,
  setNewPart,
  summedFromIncompleteParts,
  watchUnknownParts,
} from '#core/aws/messages/receipts/part-writes.ts';
import { UpdateExpressionBuilder } from '#core/aws/update-expression.ts';
import {
  allowedPredecessors,
  canSetEngagementFlags,
  type MessageStatus,
  RECEIPT_UNKNOWN,
  receiptOutcomeToStatus,
} from '#core/domain/messages/message-state.ts';
import {
  partsNotSentError,
  summariseParts,
  wholeMessageReport,
} from '#core/domain/receipts/part-outcomes.ts';
import type { DeliveryReceipt, ReceiptOutcome } from '#core/domain/receipts/receipt.ts';
import {
  channelOf,
  type ReceiptFields,
  receiptFields,
  setFlags,
  setReceiptFields,
} from '#core/domain/receipts/receipt-fields.ts';
import { type BackoffPolicy, sleepBackoff } from '#core/support/backoff.ts';

// Applies one receipt to a message whose id is known. The message is read first (its kind, its SMSC
// ids and its current status decide what the receipt means), then ONE update is written,
// conditional on the status that was read (and, in SINGLE mode, on the part being new and what the
// parts read allow: part-writes.ts). If another write came in between, the condition fails and the
// decision is made again on a fresh read; a receipt with nothing left to change is 'stale', which is
// success. (A receipt for a message with one SMSC id usually skips the read: single-id-receipt.ts
// writes the same update, conditional on what the read would have checked.)

/** 'resettle': applied, settling a SINGLE message from parts that lacked a summed field. */
type Attempt = TransitionResult | 'retry' | 'resettle';

const MAX_ATTEMPTS = 8;
const RACE_BACKOFF: BackoffPolicy = { baseMs: 5, capMs: 100, jitter: 'full' };

export async function applyReceiptToMessage(
  table: MessageTable,
  messageId: string,
  smscId: string,
  receipt: DeliveryReceipt,
): Promise<TransitionResult> {
  let settled = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const item = await getMessageItem(table, messageId);
    // The message is gone (TTL): nothing to update, and redelivery would not change that.
    if (!item) return settled ? 'applied' : 'stale';
    const result =
      smscIdCountOf(item) > 1
        ? await applyPartReceipt(table, item, smscId, receipt)
        : await applyWholeReceipt(table, item, receipt);
    if (result === 'retry') {
      await sleepBackoff(attempt, RACE_BACKOFF);
    } else if (result === 'resettle' && !settled) {
      // Another part's own receipt may have filled its cost (or a count) between our read and our
      // settling write, unseen by the sum we wrote. Applied once more, the receipt is a follow-up of
      // its own part, which fills the message's sums the parts now make, where still missing.
      settled = true;
    } else {
      return settled || result === 'resettle' ? 'applied' : result;
    }
  }
  throw new RepositoryUnavailableError(`receipt for message ${messageId} kept losing write races`);
}

/** Runs an update conditional on the status read; a lost race (or a vanished item) means read again. */
async function write(
  table: MessageTable,
  item: MessageItem,
  update: UpdateExpressionBuilder,
): Promise<Attempt> {
  update.conditionIn('status', [item.status]);
  try {
    return (await conditionalUpdate(table, item.id, update, 'apply receipt')) === 'applied'
      ? 'applied'
      : 'retry';
  } catch (error) {
    if (error instanceof MessageNotFoundError) return 'retry';
    throw error;
  }
}

async function applyWholeReceipt(
  table: MessageTable,
  item: MessageItem,
  receipt: DeliveryReceipt,
): Promise<Attempt> {
  const channel = channelOf(item.kind);
  const at = table.now().toISOString();
  const reported = receiptOutcomeToStatus(receipt.outcome);
  const target = wholeMessageStatus(item, reported);

  if (target && allowedPredecessors(target).includes(item.status)) {
    const update = new UpdateExpressionBuilder();
    recordStatus(update, target, at);
    setReceiptFields(update, receiptFields(receipt), channel, target);
    if (canSetEngagementFlags(target)) setFlags(update, receipt);
    if (target !== reported) setIncompleteError(update, item);
    return write(table, item, update);
  }

  // stat:UNKNOWN: the provider cannot tell either; the message ends `unknown` with the err code.
  if (receipt.outcome === 'unknown' && item.status === RECEIPT_UNKNOWN.from) {
    const update = new UpdateExpressionBuilder();
    recordStatus(update, RECEIPT_UNKNOWN.to, at);
    setReceiptFields(update, receiptFields(receipt), channel, RECEIPT_UNKNOWN.to);
    return write(table, item, update);
  }

  // The status stays. A receipt agreeing with it (the provider's own, after a QUERY_SM answer made the
  // message final) fills what only a receipt carries, where still missing; one that disagrees
  // (UNDELIV after delivered) fills nothing. A follow-up on a delivered message raises read/clicked.
  const update = new UpdateExpressionBuilder().set('updatedAt', at);
  const filled = target === item.status && fillWholeMessage(update, item, receiptFields(receipt));
  const read = receipt.read && !item.read;
  const clicked = receipt.clicked && !item.clicked;
  const flagged = (read || clicked) && canSetEngagementFlags(item.status);
  if (flagged) setFlags(update, { read, clicked });
  return filled || flagged ? write(table, item, update) : 'stale';
}

async function applyPartReceipt(
  table: MessageTable,
  item: MessageItem,
  smscId: string,
  receipt: DeliveryReceipt,
): Promise<Attempt> {
  const at = table.now().toISOString();
  const parts = item.partOutcomes ?? {};
  const known = parts[smscId];
  if (known) return applyPartFollowUp(table, item, smscId, known, receipt, at);
  // Parts are collected while the message is `submitted`, or `unknown` with the ids of what the
  // SMSC accepted (its receipts resolve it). An intermediate report records nothing. stat:UNKNOWN is
  // recorded: the part has reported (a message waiting on it would stay `submitted` for good), and
  // a later final receipt for that part replaces it (applyPartFollowUp), as it moves a one-id message.
  if (receipt.outcome === 'enroute' || (item.status !== 'submitted' && item.status !== 'unknown')) {
    return 'stale';
  }

  const fields = receiptFields(receipt);
  const part = partOutcome(receipt, fields, at);
  const update = new UpdateExpressionBuilder().set('updatedAt', at);
  // Only the part that completes the set settles; the others neither settle nor conflict.
  const settles = completesParts(item, smscId, part);
  setNewPart(update, item, smscId, part, settles);
  if (!settles) return write(table, item, update);
  return settleAndWrite(table, item, smscId, update, { ...parts, [smscId]: part }, fields, at);
}

/**
 * Settles from `parts` (`smscId`'s write) in `update` and writes it; 'resettle' when its sums may
 * have missed a fill, or when it rested on more parts read as 'unknown' than it could watch.
 */
async function settleAndWrite(
  table: MessageTable,
  item: MessageItem,
  smscId: string,
  update: UpdateExpressionBuilder,
  parts: Readonly<Record<string, PartOutcome>>,
  fields: ReceiptFields,
  at: string,
): Promise<Attempt> {
  const settled = settleFromParts(update, item, parts, fields, at);
  const watched = !settled || watchUnknownParts(update, item, smscId);
  const result = await write(table, item, update);
  if (result !== 'applied' || !settled) return result;
  // Unwatched, those parts' own final receipts may have landed meanwhile, each settling from the
  // others as still unknown. Whichever of them landed last reads again after its write (applied
  // once more, the receipt is a follow-up of its own part) and sees every part as it ends up.
  return !watched || summedFromIncompleteParts(item, parts) ? 'resettle' : result;
}

function partOutcome(receipt: DeliveryReceipt, fields: ReceiptFields, at: string): PartOutcome {
  return {
    outcome: receipt.outcome,
    errorCode: fields.errorCode,
    at,
    ...(fields.cost !== undefined ? { cost: fields.cost } : {}),
    ...(fields.mccmnc !== undefined ? { mccmnc: fields.mccmnc } : {}),
    ...(receipt.read ? { read: true } : {}),
    ...(receipt.clicked ? { clicked: true } : {}),
    ...(receipt.parts !== undefined ? { parts: receipt.parts } : {}),
    ...(receipt.submittedParts !== undefined ? { submittedParts: receipt.submittedParts } : {}),
    ...(receipt.deliveredParts !== undefined ? { deliveredParts: receipt.deliveredParts } : {}),
  };
}

/**
 * Once every part has reported, the message takes its worst part's outcome: a final one where the
 * message may still move to it, or `unknown` (RECEIPT_UNKNOWN) when the worst part could not tell.
 * Whether it settles (writes the message's fields from its parts).
 */
function settleFromParts(
  update: UpdateExpressionBuilder,
  item: MessageItem,
  parts: Readonly<Record<string, PartOutcome>>,
  fields: ReceiptFields,
  at: string,
): boolean {
  const summary = summariseParts(item.smscIds, parts, smscIdCountOf(item));
  if (!summary.complete || !summary.worst) return false;
  const reported = statusFromParts(item.status, summary.worst.outcome);
  const status = wholeMessageStatus(item, reported);
  if (status === undefined) return false;
  if (status !== item.status) recordStatus(update, status, at);
  const { cost: _partCost, report, ...rest } = fields;
  const messageReport = wholeMessageReport(report, summary.counts);
  setReceiptFields(
    update,
    {
      ...rest,
      errorCode: summary.worst.errorCode,
      ...(summary.cost !== undefined ? { cost: summary.cost } : {}),
      ...(messageReport !== undefined ? { report: messageReport } : {}),
    },
    channelOf(item.kind),
    status,
  );
  if (canSetEngagementFlags(status)) setFlags(update, summary);
  if (status !== reported) setIncompleteError(update, item);
  return true;
}

/**
 * SINGLE mode: a message with parts never sent (`unsentParts`) did not arrive whole, so the receipts
 * of the parts sent make it `undelivered`, not `delivered`: the SMSC hands each part on by itself and
 * may well deliver them all.
 */
function wholeMessageStatus(item: MessageItem, status: MessageStatus | undefined): MessageStatus | undefined {
  return status === 'delivered' && (item.unsentParts ?? 0) > 0 ? 'undelivered' : status;
}

/** Why it is `undelivered`, in place of the parts' err 0 (which clears the error). */
function setIncompleteError(update: UpdateExpressionBuilder, item: MessageItem): void {
  update.set('error', partsNotSentError(item.unsentParts ?? 0, item.parts));
}

/** Every part has reported a final outcome, and the message's status is not the one they give. */
function settledWrongly(item: MessageItem): boolean {
  const parts = item.partOutcomes ?? {};
  if (item.smscIds.some((id) => parts[id]?.outcome === 'unknown')) return false;
  const summary = summariseParts(item.smscIds, parts, smscIdCountOf(item));
  if (!summary.complete || !summary.worst) return false;
  const status = wholeMessageStatus(item, statusFromParts(item.status, summary.worst.outcome));
  return status !== undefined && status !== item.status;
}

/** The status the worst part gives a message now in `current`; undefined when it changes nothing. */
function statusFromParts(current: MessageStatus, worst: ReceiptOutcome): MessageStatus | undefined {
  const target = receiptOutcomeToStatus(worst);
  if (target) return allowedPredecessors(target).includes(current) ? target : undefined;
  if (worst !== 'unknown') return undefined;
  if (current === RECEIPT_UNKNOWN.from) return RECEIPT_UNKNOWN.to;
  // A submit that ended `unknown` keeps that status; the parts' error code is still news.
  return current === 'unknown' ? current : undefined;
}

/**
 * A part already reported. After stat:UNKNOWN, a final receipt is the part's outcome now and may
 * settle the message; otherwise only what the part still misses (a receipt agreeing with its outcome:
 * missing-writes.ts) and read/clicked, kept on the part until final, can still be news.
 */
async function applyPartFollowUp(
  table: MessageTable,
  item: MessageItem,
  smscId: string,
  known: PartOutcome,
  receipt: DeliveryReceipt,
  at: string,
): Promise<Attempt> {
  if (known.outcome === 'unknown' && receiptOutcomeToStatus(receipt.outcome)) {
    const fields = receiptFields(receipt);
    const part = partOutcome(receipt, fields, at);
    const update = new UpdateExpressionBuilder().set('updatedAt', at).set(['partOutcomes', smscId], part);
    // Another writer may have replaced the UNKNOWN meanwhile: then decide again on a fresh read.
    update.condition(`${update.name('partOutcomes', smscId, 'outcome')} = ${update.value('unknown')}`);
    return settleAndWrite(table, item, smscId, update, { ...item.partOutcomes, [smscId]: part }, fields, at);
  }
  if (settledWrongly(item)) {
    // Every part is final, so what they make the message no longer changes and a write conditional
    // on the map's size and the status read settles it exactly. (Only writes that rested on unwatched
    // 'unknown' parts leave a message so; a receipt sent again for such a part mends it too.)
    const parts = item.partOutcomes ?? {};
    const update = new UpdateExpressionBuilder().set('updatedAt', at);
    conditionNoPartAdded(update, parts);
    return settleAndWrite(table, item, smscId, update, parts, receiptFields(receipt), at);
  }
  // The part's own receipt after a QUERY_SM answer recorded its outcome fills the part's cost (and,
  // the message final, the summed cost); one with another outcome fills nothing.
  const update = new UpdateExpressionBuilder().set('updatedAt', at);
  const agrees = known.outcome === receipt.outcome && receiptOutcomeToStatus(receipt.outcome) !== undefined;
  const fields = receiptFields(receipt);
  const filled =
    agrees && fillFromAgreeingPart(update, item, smscId, known, partOutcome(receipt, fields, at), fields);
  const read = receipt.read && !known.read;
  const clicked = receipt.clicked && !known.clicked;
  if (!filled && !read && !clicked) return 'stale';
  if (read) update.set(['partOutcomes', smscId, 'read'], true);
  if (clicked) update.set(['partOutcomes', smscId, 'clicked'], true);
  if (canSetEngagementFlags(item.status)) setFlags(update, { read, clicked });
  return write(table, item, update);
}
