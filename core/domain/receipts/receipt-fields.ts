import type { MessageKind } from '#core/domain/messages/message-kinds.ts';
import type { MessageError, ProviderReport } from '#core/domain/messages/message-model.ts';
import type { MessageStatus } from '#core/domain/messages/message-state.ts';
import { type DeliveryChannel, describeDeliveryError } from '#core/domain/provider/error-codes.ts';
import type { DeliveryReceipt } from '#core/domain/receipts/receipt.ts';

// What a receipt writes onto a message besides its status: the provider's error code (with name and
// meaning), cost, network code, HLR answer, the rest of what the provider reported (TLV 0x2001's
// type and template bits, TLV 0x2002's parts, the text's sub/dlvrd/dates), and the read/clicked flags.

/**
 * Where the receipt rules write their patch: the adapter's update builder (core/aws) implements it, so
 * the rules decide which fields change without knowing how a store writes them.
 */
export interface MessagePatch {
  set(attribute: string, value: unknown): unknown;
  remove(attribute: string): unknown;
}

/** E-mail has its own error table in which the same numbers mean other things. */
export function channelOf(kind: MessageKind): DeliveryChannel {
  return kind === 'mail' ? 'mail' : 'sms';
}

export function deliveryError(errorCode: number, channel: DeliveryChannel): MessageError {
  const { code, name, description } = describeDeliveryError(errorCode, channel);
  return { code, name, description };
}

export function mccmncOf(receipt: DeliveryReceipt): string | undefined {
  if (receipt.mccmnc) return receipt.mccmnc;
  return receipt.mcc && receipt.mnc ? `${receipt.mcc}${receipt.mnc}` : undefined;
}

function hlrOf(receipt: DeliveryReceipt): Record<string, string> | undefined {
  if (!receipt.hlr) return undefined;
  const fields = Object.entries(receipt.hlr).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  return fields.length > 0 ? Object.fromEntries(fields) : undefined;
}

export interface ReceiptFields {
  errorCode: number;
  cost?: string;
  mccmnc?: string;
  hlr?: Record<string, string>;
  report?: ProviderReport;
}

export function reportOf(receipt: DeliveryReceipt): ProviderReport | undefined {
  const report: ProviderReport = {
    messageType: receipt.messageType,
    paidFromSecondBalance: receipt.paidFromSecondBalance,
    template: receipt.template,
    templateType: receipt.templateType,
    parts: receipt.parts,
    submittedParts: receipt.submittedParts,
    deliveredParts: receipt.deliveredParts,
    submitDate: receipt.submitDate,
    doneDate: receipt.doneDate,
  };
  const fields = Object.entries(report).filter(([, value]) => value !== undefined);
  return fields.length > 0 ? (Object.fromEntries(fields) as ProviderReport) : undefined;
}

export function receiptFields(receipt: DeliveryReceipt): ReceiptFields {
  const mccmnc = mccmncOf(receipt);
  const hlr = hlrOf(receipt);
  const report = reportOf(receipt);
  return {
    errorCode: receipt.errorCode,
    ...(receipt.cost !== undefined ? { cost: receipt.cost } : {}),
    ...(mccmnc !== undefined ? { mccmnc } : {}),
    ...(hlr !== undefined ? { hlr } : {}),
    ...(report !== undefined ? { report } : {}),
  };
}

/**
 * Adds the receipt's fields to an update. A final receipt with err 0 clears an earlier error (the
 * "submit outcome unknown" note of a message the receipt resolved: the SMSC had it after all).
 */
const FINAL_BY_RECEIPT: ReadonlySet<MessageStatus> = new Set([
  'delivered',
  'undelivered',
  'expired',
  'rejected',
]);

export function setReceiptFields(
  update: MessagePatch,
  fields: ReceiptFields,
  channel: DeliveryChannel,
  status: MessageStatus,
): void {
  if (fields.cost !== undefined) update.set('cost', fields.cost);
  if (fields.mccmnc !== undefined) update.set('mccmnc', fields.mccmnc);
  if (fields.hlr !== undefined) update.set('hlr', fields.hlr);
  if (fields.report !== undefined) update.set('report', fields.report);
  if (fields.errorCode !== 0) update.set('error', deliveryError(fields.errorCode, channel));
  else if (FINAL_BY_RECEIPT.has(status)) update.remove('error');
}

export function setFlags(update: MessagePatch, flags: { read: boolean; clicked: boolean }): void {
  if (flags.read) update.set('read', true);
  if (flags.clicked) update.set('clicked', true);
}
