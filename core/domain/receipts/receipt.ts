import { DomainError } from '#core/domain/errors.ts';
import {
  type DeliveryReceipt,
  type HlrResult,
  type ProviderMessageType,
  type ReceiptInput,
  type ReceiptOutcome,
  type ReceiptStat,
  TEMPLATE_TYPES,
} from '#core/domain/receipts/receipt-types.ts';
import { normaliseSmscId } from '#core/domain/receipts/smsc-id.ts';
import { decodeUrlEncoded } from '#core/domain/receipts/url-decoding.ts';
import { withoutUndefined } from '#core/domain/without-undefined.ts';

// The receipt's shapes live in receipt-types.ts; they are re-exported so callers import one module.
export {
  type DeliveryReceipt,
  type HlrResult,
  PROVIDER_MESSAGE_TYPES,
  type ProviderMessageType,
  type ProviderTlvs,
  type ReceiptInput,
  type ReceiptOutcome,
  type ReceiptStat,
  TEMPLATE_TYPES,
  type TemplateType,
} from '#core/domain/receipts/receipt-types.ts';
export { normaliseSmscId };

export class ReceiptParseError extends DomainError {
  readonly code = 'receipt_unparseable';
}

const STATS: ReadonlyMap<string, ReceiptStat> = new Map([
  ['DELIVRD', 'DELIVRD'],
  ['DELIVERED', 'DELIVRD'],
  ['EXPIRED', 'EXPIRED'],
  ['DELETED', 'DELETED'],
  ['UNDELIV', 'UNDELIV'],
  ['UNDELIVERABLE', 'UNDELIV'],
  ['ACCEPTD', 'ACCEPTD'],
  ['ACCEPTED', 'ACCEPTD'],
  ['UNKNOWN', 'UNKNOWN'],
  ['REJECTD', 'REJECTD'],
  ['REJECTED', 'REJECTD'],
  ['ENROUTE', 'ENROUTE'],
]);

const MESSAGE_STATES: ReadonlyMap<number, ReceiptStat> = new Map([
  [1, 'ENROUTE'],
  [2, 'DELIVRD'],
  [3, 'EXPIRED'],
  [4, 'DELETED'],
  [5, 'UNDELIV'],
  [6, 'ACCEPTD'],
  [7, 'UNKNOWN'],
  [8, 'REJECTD'],
]);

// DELETED means the SMSC dropped the message unsent, which for the sender is a failed delivery.
const OUTCOMES: Readonly<Record<ReceiptStat, ReceiptOutcome>> = {
  DELIVRD: 'delivered',
  UNDELIV: 'undelivered',
  DELETED: 'undelivered',
  EXPIRED: 'expired',
  REJECTD: 'rejected',
  UNKNOWN: 'unknown',
  ACCEPTD: 'enroute',
  ENROUTE: 'enroute',
};

const MESSAGE_TYPES: ReadonlyMap<number, ProviderMessageType> = new Map([
  [0, 'sms'],
  [1, 'flash'],
  [2, 'binary'],
  [3, 'wap-push'],
  [4, 'hlr'],
  [5, 'ping'],
  [6, 'mms'],
  [7, 'call'],
  [8, 'mail'],
  [10, 'viber'],
  [12, 'social'],
]);
const FLAG_SECOND_BALANCE = 1 << 5;
const FLAG_TEMPLATE = 1 << 8;
const EXTRA_READ = 2;
const EXTRA_CLICKED = 4;

// A key counts only at the start or after whitespace, so "net:" is never found inside "rnet:", nor
// "cn:" inside "rcn:". `text:` runs to the end: nothing after it is read as a key. A value starts
// right after the colon (the provider writes `imsi:250…`, no space there; the space in `rcn: rnet:`
// separates an empty rcn from the next field) and ends at the next whitespace, so an empty field is
// '', never the next token, even one whose key is not listed here: the provider's own parsers
// (`strtr(": ", "=&")` + parse_str, or `([^ ]*)` per field) read it so.
const KEY =
  /(?:^|\s)(id|sub|dlvrd|submit[ _]?date|done[ _]?date|stat|err|text|imsi|msc|mcc|mnc|cn|net|rcn|rnet):/gi;

type Fields = ReadonlyMap<string, string>;

function readFields(text: string): Fields {
  const fields = new Map<string, string>();
  const keys = [...text.matchAll(KEY)];
  for (const [i, match] of keys.entries()) {
    const key = match[1]!.toLowerCase().replace(/[ _]/g, '');
    if (key === 'text') break;
    const start = match.index + match[0].length;
    const end = keys[i + 1]?.index ?? text.length;
    const value = /^\S*/.exec(text.slice(start, end))![0];
    if (!fields.has(key)) fields.set(key, value);
  }
  return fields;
}

/**
 * What a receipt quotes of its message: the SMPP 3.4 appendix's `text:` field (the first 20
 * characters), '' when it has none. The provider's receipts carry none.
 */
export function quotedText(receiptText: string): string {
  return /(?:^|\s)text:(.*)$/is.exec(receiptText)?.[1]?.trim() ?? '';
}

export function isReceiptText(text: string): boolean {
  const fields = readFields(text);
  return !!fields.get('id') && STATS.has(fields.get('stat')?.toUpperCase() ?? '');
}

export function parseDeliveryReceipt(input: ReceiptInput): DeliveryReceipt {
  const fields = readFields(input.text);
  const id = cString(input.receiptedMessageId) || fields.get('id');
  if (!id) throw new ReceiptParseError('The receipt carries no message id, neither as TLV nor in its text');

  const stat =
    (input.messageState === undefined ? undefined : MESSAGE_STATES.get(input.messageState)) ??
    STATS.get(fields.get('stat')?.toUpperCase() ?? '');
  // A report without a state is no status: taken as UNKNOWN it would end a `submitted` message
  // `unknown` (RECEIPT_UNKNOWN), which only the SMSC saying so may do. It is stored raw instead.
  if (!stat)
    throw new ReceiptParseError(
      'The receipt carries no state: no known message_state TLV and no known stat: text',
    );
  const tlvs = input.tlvs ?? {};
  const extraStatus = tlvs.extraStatus ?? 0;
  const hlr = readHlr(fields, tlvs.flags);
  const mccmnc = cString(tlvs.mccmnc) || undefined;
  const splitMccMnc = mccmnc && /^[0-9]{4,6}$/.test(mccmnc) ? mccmnc : undefined;

  return withoutUndefined<DeliveryReceipt>({
    smscId: normaliseSmscId(id, input.smscIdBase),
    stat,
    outcome: OUTCOMES[stat],
    errorCode: networkErrorCode(input.networkErrorCode) ?? decimal(fields.get('err'), MAX_ERROR_CODE) ?? 0,
    submittedParts: decimal(fields.get('sub'), MAX_PART_COUNT),
    deliveredParts: decimal(fields.get('dlvrd'), MAX_PART_COUNT),
    submitDate: receiptDate(fields.get('submitdate')),
    doneDate: receiptDate(fields.get('donedate')),
    cost: readCost(tlvs.cost),
    ...readFlags(tlvs.flags),
    parts: tlvs.parts,
    mccmnc: mccmnc ?? (hlr?.mcc && hlr.mnc ? `${hlr.mcc}${hlr.mnc}` : undefined),
    mcc: splitMccMnc ? splitMccMnc.slice(0, 3) : hlr?.mcc,
    mnc: splitMccMnc ? splitMccMnc.slice(3) : hlr?.mnc,
    read: (extraStatus & EXTRA_READ) !== 0,
    clicked: (extraStatus & EXTRA_CLICKED) !== 0,
    hlr,
    text: input.text,
  });
}

function readFlags(flags: number | undefined): Partial<DeliveryReceipt> {
  if (flags === undefined) return {};
  const template = (flags & FLAG_TEMPLATE) !== 0;
  return {
    messageType: MESSAGE_TYPES.get(flags & 0x0f) ?? 'unknown',
    paidFromSecondBalance: (flags & FLAG_SECOND_BALANCE) !== 0,
    template,
    templateType: template ? TEMPLATE_TYPES[(flags >> 9) & 0x03] : undefined,
  };
}

function readHlr(fields: Fields, flags: number | undefined): HlrResult | undefined {
  const isHlr = fields.has('imsi') || (flags !== undefined && (flags & 0x0f) === 4);
  if (!isHlr) return undefined;
  return withoutUndefined<HlrResult>({
    imsi: fields.get('imsi') || undefined,
    msc: fields.get('msc') || undefined,
    mcc: fields.get('mcc') || undefined,
    mnc: fields.get('mnc') || undefined,
    countryName: urlDecoded(fields.get('cn')),
    networkName: urlDecoded(fields.get('net')),
    roamingCountryName: urlDecoded(fields.get('rcn')),
    roamingNetworkName: urlDecoded(fields.get('rnet')),
  });
}

/** Whether SMPP 3.4's message_state `value` is one a receipt is read with (1 ENROUTE … 8 REJECTED). */
export function isKnownMessageState(value: number): boolean {
  return MESSAGE_STATES.has(value);
}

function networkErrorCode(value: Buffer | undefined): number | undefined {
  return value && value.length >= 3 ? value.readUInt16BE(1) : undefined;
}

// Bounds of what a receipt's text may say: err as network_error_code's two octets can, sub and dlvrd
// as their three digits. A larger number is no reading but noise; kept, it would be a number
// DynamoDB refuses (past 38 digits, or Infinity), the receipt could never be stored, and the SMSC
// would send it again for good.
const MAX_ERROR_CODE = 0xffff;
const MAX_PART_COUNT = 999;

function decimal(value: string | undefined, max: number): number | undefined {
  if (!value || !/^[0-9]+$/.test(value)) return undefined;
  const number = Number.parseInt(value, 10);
  return number <= max ? number : undefined;
}

// The provider does not name the time zone of its YYMMDDhhmm dates; they are taken as UTC.
function receiptDate(value: string | undefined): string | undefined {
  const match = value && /^([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})?$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const wanted = [2000 + year!, month! - 1, day!, hour!, minute!, second!] as const;
  const date = new Date(Date.UTC(...wanted));
  // Date.UTC rolls 31 February over into March; a date that moved was not a real date.
  const got = [
    date.getUTCFullYear(),
    date.getUTCMonth(),
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
  ];
  return got.every((component, i) => component === wanted[i]) ? date.toISOString() : undefined;
}

// Cost is money: kept as the decimal string it came as, never turned into a float.
function readCost(value: string | undefined): string | undefined {
  const cost = cString(value);
  return /^[0-9]+(?:\.[0-9]+)?$/.test(cost) ? cost : undefined;
}

function urlDecoded(value: string | undefined): string | undefined {
  return value ? decodeUrlEncoded(value) : undefined;
}

/** C-octet strings can keep their NUL terminator and padding; neither is part of the value. */
function cString(value: string | undefined): string {
  return (value ?? '').replace(/\0/g, '').trim();
}
