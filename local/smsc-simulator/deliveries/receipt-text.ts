// The provider's receipt formats: the delivery-report text, the HLR answer text, and the values of
// the standard and provider TLVs carried with them.

import type { HlrRecord, ReceiptStatText } from '../types.ts';
import { encodeCp1251 } from './cp1251.ts';

/** SMPP 3.4 message_state values. */
export const MESSAGE_STATE = {
  ENROUTE: 1,
  DELIVERED: 2,
  EXPIRED: 3,
  UNDELIVERABLE: 5,
  REJECTED: 8,
} as const;

export function messageStateOf(stat: ReceiptStatText): number {
  switch (stat) {
    case 'ENROUTE':
      return MESSAGE_STATE.ENROUTE;
    case 'DELIVRD':
      return MESSAGE_STATE.DELIVERED;
    case 'EXPIRED':
      return MESSAGE_STATE.EXPIRED;
    case 'UNDELIV':
      return MESSAGE_STATE.UNDELIVERABLE;
    case 'REJECTD':
      return MESSAGE_STATE.REJECTED;
  }
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** YYMMDDhhmm in UTC, as in the provider's `submit date` / `done date`. */
export function receiptDate(at: number): string {
  const d = new Date(at);
  return (
    pad(d.getUTCFullYear() % 100, 2) +
    pad(d.getUTCMonth() + 1, 2) +
    pad(d.getUTCDate(), 2) +
    pad(d.getUTCHours(), 2) +
    pad(d.getUTCMinutes(), 2)
  );
}

export interface ReceiptTextFields {
  id: string;
  parts: number;
  delivered: number;
  submittedAt: number;
  doneAt: number;
  stat: ReceiptStatText;
  err: number;
}

export function formatReceiptText(r: ReceiptTextFields): string {
  return (
    `id:${r.id} sub:${pad(r.parts, 3)} dlvrd:${pad(r.delivered, 3)} ` +
    `submit date:${receiptDate(r.submittedAt)} done date:${receiptDate(r.doneAt)} ` +
    `stat:${r.stat} err:${pad(r.err, 3)}`
  );
}

/**
 * PHP urlencode, which the provider uses: `+` for space, `%XX` for every byte but letters, digits and
 * `-_.`. The bytes are windows-1251, as in the provider's own example (l. 176-184 of its document).
 */
export function urlencode(value: string): string {
  let out = '';
  for (const byte of encodeCp1251(value)) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.-]/.test(char)) out += char;
    else if (char === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function formatHlrText(id: string, stat: ReceiptStatText, err: number, hlr: HlrRecord): string {
  return (
    `id:${id} stat:${stat} err:${pad(err, 3)} imsi:${hlr.imsi} msc:${hlr.msc} mcc:${hlr.mcc} ` +
    `mnc:${hlr.mnc} cn:${urlencode(hlr.country)} net:${urlencode(hlr.network)} ` +
    `rcn:${urlencode(hlr.roamingCountry ?? '')} rnet:${urlencode(hlr.roamingNetwork ?? '')}`
  );
}

/** network_error_code TLV: network type 3 (SMPP "GSM"), then the provider's err as uint16. */
export function networkErrorCode(err: number): Buffer {
  const buffer = Buffer.alloc(3);
  buffer[0] = 0x03;
  buffer.writeUInt16BE(err & 0xffff, 1);
  return buffer;
}

/** `n.nnnn`, never longer than the 6 characters the provider's TLV allows. */
export function formatCost(value: number): string {
  for (let decimals = 4; decimals >= 0; decimals--) {
    const text = value.toFixed(decimals);
    if (text.length <= 6) return text;
  }
  return '999999';
}
