import type { SmscIdBase } from '#core/domain/receipts/smsc-id.ts';

// What a parsed delivery receipt holds, and what the SMPP layer hands the parser (receipt.ts).

/** The provider's TLVs 0x2000-0x2004 of a DELIVER_SM, as the SMPP layer decodes them. */
export interface ProviderTlvs {
  /** 0x2000, 'n.nnnn'. */
  cost?: string;
  /** 0x2001, bit field: message type, second balance, template flags. */
  flags?: number;
  /** 0x2002. */
  parts?: number;
  /** 0x2003, mcc+mnc. */
  mccmnc?: string;
  /** 0x2004: 2 read, 4 link clicked. */
  extraStatus?: number;
}

export interface ReceiptInput {
  /** short_message (or message_payload) decoded as text. */
  text: string;
  /** TLV 0x001E. */
  receiptedMessageId?: string;
  /** TLV 0x0427, SMPP message_state. */
  messageState?: number;
  /** TLV 0x0423: network type octet, then a 2-byte error code. */
  networkErrorCode?: Buffer;
  tlvs?: ProviderTlvs;
  /** The base the SMSC writes message ids in (normaliseSmscId); default decimal, the provider's. */
  smscIdBase?: SmscIdBase;
}

export type ReceiptStat =
  | 'DELIVRD'
  | 'EXPIRED'
  | 'DELETED'
  | 'UNDELIV'
  | 'ACCEPTD'
  | 'UNKNOWN'
  | 'REJECTD'
  | 'ENROUTE';
/** How the message's state should move; `enroute` is not final. */
export type ReceiptOutcome = 'delivered' | 'undelivered' | 'expired' | 'rejected' | 'unknown' | 'enroute';
export const PROVIDER_MESSAGE_TYPES = [
  'sms',
  'flash',
  'binary',
  'wap-push',
  'hlr',
  'ping',
  'mms',
  'call',
  'mail',
  'viber',
  'social',
  'unknown',
] as const;
export type ProviderMessageType = (typeof PROVIDER_MESSAGE_TYPES)[number];
export const TEMPLATE_TYPES = ['service', 'transactional', 'authorization', 'advertising'] as const;
export type TemplateType = (typeof TEMPLATE_TYPES)[number];

export interface HlrResult {
  imsi?: string;
  msc?: string;
  mcc?: string;
  mnc?: string;
  countryName?: string;
  networkName?: string;
  roamingCountryName?: string;
  roamingNetworkName?: string;
}

/** Optional fields are left out, not set to undefined, so the receipt stores and serialises as is. */
export interface DeliveryReceipt {
  smscId: string;
  stat: ReceiptStat;
  outcome: ReceiptOutcome;
  errorCode: number;
  submittedParts?: number;
  deliveredParts?: number;
  submitDate?: string;
  doneDate?: string;
  cost?: string;
  messageType?: ProviderMessageType;
  paidFromSecondBalance?: boolean;
  template?: boolean;
  templateType?: TemplateType;
  parts?: number;
  mccmnc?: string;
  mcc?: string;
  mnc?: string;
  read: boolean;
  clicked: boolean;
  hlr?: HlrResult;
  text: string;
}
