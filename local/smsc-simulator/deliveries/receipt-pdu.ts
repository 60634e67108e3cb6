// Builds the DELIVER_SM a receipt travels in: the report text plus the standard and provider TLVs.
import { type PduFields, PROVIDER_TLV } from '#bind-service/smpp/codec.ts';
import { kindFlags } from '../messages/kinds.ts';
import type { HlrRecord, MessageKind, ReceiptStatText, SmppAddresses } from '../types.ts';
import {
  formatCost,
  formatHlrText,
  formatReceiptText,
  messageStateOf,
  networkErrorCode,
} from './receipt-text.ts';

const ESM_CLASS_DELIVERY_RECEIPT = 0x04;
const SHORT_MESSAGE_MAX = 254;

export interface ReceiptSubject extends SmppAddresses {
  messageId: string;
  kind: MessageKind;
  /** Parts this receipt speaks for: the whole message, or 1 under SINGLE. */
  parts: number;
  submittedAt: number;
}

export interface ReceiptDetails {
  stat: ReceiptStatText;
  err: number;
  doneAt: number;
  pricePerPart: number;
  mccmnc: string;
  hlr?: HlrRecord;
  /** Provider extra status: 2 read, 4 link clicked. */
  extraStatus?: number;
  /** TLV 0x2001 bits besides the message type (second balance, template and its type). */
  flags?: number;
}

export function receiptFields(subject: ReceiptSubject, details: ReceiptDetails): PduFields {
  const text = details.hlr
    ? formatHlrText(subject.messageId, details.stat, details.err, details.hlr)
    : formatReceiptText({
        id: subject.messageId,
        parts: subject.parts,
        delivered: details.stat === 'DELIVRD' ? subject.parts : 0,
        submittedAt: subject.submittedAt,
        doneAt: details.doneAt,
        stat: details.stat,
        err: details.err,
      });
  const body = Buffer.from(text, 'latin1');
  const fields: PduFields = {
    // The report comes from the subscriber's side back to the sender.
    source_addr_ton: subject.destTon,
    source_addr_npi: subject.destNpi,
    source_addr: subject.destination,
    dest_addr_ton: subject.sourceTon,
    dest_addr_npi: subject.sourceNpi,
    destination_addr: subject.source,
    esm_class: ESM_CLASS_DELIVERY_RECEIPT,
    data_coding: 0,
    receipted_message_id: subject.messageId,
    message_state: messageStateOf(details.stat),
    network_error_code: networkErrorCode(details.err),
    [PROVIDER_TLV.cost]: formatCost(subject.parts * details.pricePerPart),
    [PROVIDER_TLV.flags]: kindFlags(subject.kind) | (details.flags ?? 0),
    [PROVIDER_TLV.parts]: subject.parts,
    [PROVIDER_TLV.mccmnc]: details.mccmnc,
  };
  if (body.length <= SHORT_MESSAGE_MAX) fields.short_message = body;
  else fields.message_payload = body;
  if (details.extraStatus !== undefined) fields[PROVIDER_TLV.extraStatus] = details.extraStatus;
  return fields;
}
