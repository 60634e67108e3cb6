// Pure helpers for incoming (MO) DELIVER_SMs: which part of which message a PDU is, its text, and
// the addresses as we store them.
import type { DeliverAddress, DeliverSm } from '#bind-service/smpp/index.ts';
import {
  type ConcatInfo,
  decodeText,
  MalformedUdhError,
  type PartPayload,
  splitUdh,
} from '#core/domain/encoding/index.ts';

export type IncomingPart =
  | { from: string; to: string; text: string; concat?: undefined }
  | {
      from: string;
      to: string;
      concat: ConcatInfo;
      /** Decoded with the other parts (decodeParts): a character may straddle two. */
      payload: PartPayload;
    };

const TON_INTERNATIONAL = 1;

/** International numbers as E.164 ('+…'); anything else (alphanumeric, short codes) as sent. */
export function addressText(address: DeliverAddress): string {
  return address.ton === TON_INTERNATIONAL && /^\d+$/.test(address.addr) ? `+${address.addr}` : address.addr;
}

/** The payload: message_payload when the SMSC used it, else short_message. */
export function payloadOf(delivery: DeliverSm): Buffer {
  return delivery.messagePayload && delivery.messagePayload.length > 0
    ? delivery.messagePayload
    : delivery.shortMessage;
}

/**
 * The part's text and concatenation info, from the UDH or the SAR TLVs. A UDH that overruns its
 * message is kept as text rather than refused: refusing would make the SMSC send it for ever.
 */
export function readIncoming(delivery: DeliverSm, isoMode: boolean): IncomingPart {
  const raw = payloadOf(delivery);
  let payload = raw;
  let concat: ConcatInfo | undefined;
  try {
    const split = splitUdh(raw, delivery.esmClass);
    payload = split.payload;
    concat = split.concat;
  } catch (error) {
    if (!(error instanceof MalformedUdhError)) throw error;
  }
  if (!concat && delivery.sar && delivery.sar.totalSegments > 1) {
    const { refNum, totalSegments, segmentSeqnum } = delivery.sar;
    if (segmentSeqnum >= 1 && segmentSeqnum <= totalSegments) {
      concat = { reference: refNum, total: totalSegments, index: segmentSeqnum };
    }
  }
  const from = addressText(delivery.source);
  const to = addressText(delivery.destination);
  if (concat && concat.total > 1) {
    return { from, to, concat, payload: { octets: payload, dataCoding: delivery.dataCoding } };
  }
  return { from, to, text: decodeText(payload, delivery.dataCoding, { isoMode }) };
}
