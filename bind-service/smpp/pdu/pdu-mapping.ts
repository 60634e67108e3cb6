// Translation between the package's loose PDU objects and this project's typed shapes. Nothing here
// touches a socket, so every mapping is unit-testable.
import type { ProviderTlvs } from '#core/domain/receipts/receipt.ts';
import { type PDU, type PduFields, PROVIDER_TLV } from './smpp-package.ts';
import { commandStatusName, isThrottling, Status } from './status.ts';

/** The SUBMIT_SM fields the dispatcher controls; short_message is already encoded by our codecs. */
export interface SubmitFields {
  source_addr: string;
  source_addr_ton: number;
  source_addr_npi: number;
  destination_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  esm_class: number;
  data_coding: number;
  short_message: Buffer;
  registered_delivery: number;
  /**
   * SMPP time, absolute or relative ('000001000000000R' = 1 day), or a Date. A function is called as
   * the PDU is written: a relative period counted then, after any wait for the rate, a window slot or
   * a throttled resend, keeps the SMSC from holding the message past its validity. It returns
   * undefined once the message may no longer go: nothing is written, the submit ends not-sent
   * ('validity-passed'), as a wait for a slot may outlast the sender's last look at the validity.
   */
  validity_period?: string | Date | (() => string | undefined);
  priority_flag?: number;
  protocol_id?: number;
  /** Long payload instead of short_message (then short_message must be empty). */
  message_payload?: Buffer;
}

/**
 * - accepted / rejected / throttled: the SMSC answered.
 * - unknown: it went on the wire and no usable answer came; it may have been accepted, so the
 *   caller must NOT resend blindly (a receipt or query_sm resolves it).
 * - not-sent: nothing went on the wire; safe to retry.
 */
export type SubmitOutcome =
  | { kind: 'accepted'; messageId: string }
  | { kind: 'rejected'; commandStatus: number; name: string }
  | { kind: 'throttled' }
  | { kind: 'unknown'; reason: 'timeout' | 'connection-lost' | 'generic-nack' }
  | { kind: 'not-sent'; reason: 'not-bound' | 'stopping' | 'validity-passed' };

/** Which part of which message a SUBMIT_SM carried; handed back with an answer after its timeout. */
export interface SubmitTag {
  messageId: string;
  /** 1-based. */
  part: number;
  parts: number;
}

/** Undefined when the validity_period function says the message may no longer go (see there). */
export function toSubmitPdu(fields: SubmitFields): PduFields | undefined {
  const pdu: PduFields = {
    source_addr: fields.source_addr,
    source_addr_ton: fields.source_addr_ton,
    source_addr_npi: fields.source_addr_npi,
    destination_addr: fields.destination_addr,
    dest_addr_ton: fields.dest_addr_ton,
    dest_addr_npi: fields.dest_addr_npi,
    esm_class: fields.esm_class,
    data_coding: fields.data_coding,
    short_message: fields.short_message,
    registered_delivery: fields.registered_delivery,
  };
  const given = fields.validity_period;
  const validity = typeof given === 'function' ? given() : given;
  if (typeof given === 'function' && validity === undefined) return undefined;
  if (validity !== undefined) pdu.validity_period = validity;
  if (fields.priority_flag !== undefined) pdu.priority_flag = fields.priority_flag;
  if (fields.protocol_id !== undefined) pdu.protocol_id = fields.protocol_id;
  if (fields.message_payload !== undefined) pdu.message_payload = fields.message_payload;
  return pdu;
}

export function submitRespOutcome(pdu: Pick<PDU, 'command_status' | 'message_id'>): SubmitOutcome {
  const status = pdu.command_status;
  if (status === Status.ESME_ROK) return { kind: 'accepted', messageId: pdu.message_id ?? '' };
  if (isThrottling(status)) return { kind: 'throttled' };
  return { kind: 'rejected', commandStatus: status, name: commandStatusName(status) };
}

/**
 * A generic_nack carrying our sequence number means the SMSC could not take the PDU in (bad length,
 * unknown command...), so it was not accepted: 'rejected' with that status (throttling included).
 * Only a nack with status 0 says nothing about the fate of the submit: 'unknown'.
 */
export function genericNackOutcome(commandStatus: number): SubmitOutcome {
  if (commandStatus === Status.ESME_ROK) return { kind: 'unknown', reason: 'generic-nack' };
  if (isThrottling(commandStatus)) return { kind: 'throttled' };
  return { kind: 'rejected', commandStatus, name: commandStatusName(commandStatus) };
}

export interface DeliverAddress {
  addr: string;
  ton: number;
  npi: number;
}

export interface DeliverSm {
  sequenceNumber: number;
  esmClass: number;
  dataCoding: number;
  registeredDelivery: number;
  source: DeliverAddress;
  destination: DeliverAddress;
  shortMessage: Buffer;
  messagePayload?: Buffer;
  receiptedMessageId?: string;
  messageState?: number;
  networkErrorCode?: Buffer;
  /** SAR concatenation TLVs, when the SMSC splits an MO that way instead of with a UDH. */
  sar?: { refNum: number; totalSegments: number; segmentSeqnum: number };
  providerTlvs: ProviderTlvs;
  /** esm_class message type bits 2-5 = 0b0001: SMSC delivery receipt; anything else is MO. */
  isReceipt: boolean;
}

const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const buf = (value: unknown): Buffer | undefined => (Buffer.isBuffer(value) ? value : undefined);

function defined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

export function fromDeliverPdu(pdu: PDU): DeliverSm {
  const esmClass = pdu.esm_class ?? 0;
  const refNum = num(pdu.sar_msg_ref_num);
  const totalSegments = num(pdu.sar_total_segments);
  const segmentSeqnum = num(pdu.sar_segment_seqnum);
  return defined<DeliverSm>({
    sequenceNumber: pdu.sequence_number,
    esmClass,
    dataCoding: pdu.data_coding ?? 0,
    registeredDelivery: pdu.registered_delivery ?? 0,
    source: { addr: pdu.source_addr ?? '', ton: pdu.source_addr_ton ?? 0, npi: pdu.source_addr_npi ?? 0 },
    destination: {
      addr: pdu.destination_addr ?? '',
      ton: pdu.dest_addr_ton ?? 0,
      npi: pdu.dest_addr_npi ?? 0,
    },
    shortMessage: buf(pdu.short_message) ?? Buffer.alloc(0),
    messagePayload: buf(pdu.message_payload),
    receiptedMessageId: str(pdu.receipted_message_id),
    messageState: num(pdu.message_state),
    networkErrorCode: buf(pdu.network_error_code),
    sar:
      refNum !== undefined && totalSegments !== undefined && segmentSeqnum !== undefined
        ? { refNum, totalSegments, segmentSeqnum }
        : undefined,
    providerTlvs: defined<ProviderTlvs>({
      cost: str(pdu[PROVIDER_TLV.cost]),
      flags: num(pdu[PROVIDER_TLV.flags]),
      parts: num(pdu[PROVIDER_TLV.parts]),
      mccmnc: str(pdu[PROVIDER_TLV.mccmnc]),
      extraStatus: num(pdu[PROVIDER_TLV.extraStatus]),
    }),
    isReceipt: (esmClass & 0x3c) === 0x04,
  });
}

export interface QueryResult {
  messageId: string;
  messageState: number;
  finalDate?: Date;
  errorCode: number;
}

export function fromQueryResp(pdu: PDU): QueryResult {
  const finalDate = pdu.final_date instanceof Date && !Number.isNaN(pdu.final_date.getTime());
  return defined<QueryResult>({
    messageId: pdu.message_id ?? '',
    messageState: pdu.message_state ?? 0,
    finalDate: finalDate ? (pdu.final_date as Date) : undefined,
    errorCode: pdu.error_code ?? 0,
  });
}

/** What an `unexpected-pdu` event says about a PDU nobody was waiting for. */
export function unexpectedPdu(pdu: PDU): {
  command: string;
  sequenceNumber: number;
  commandStatus: number;
  messageId?: string;
} {
  return {
    command: pdu.command,
    sequenceNumber: pdu.sequence_number,
    commandStatus: pdu.command_status,
    ...(pdu.message_id ? { messageId: pdu.message_id } : {}),
  };
}
