// Receipt or incoming message? esm_class decides first (SMPP 3.4 §5.2.12: message type bits 2-5 =
// 0001 is an SMSC delivery receipt; an incoming SMS has none). A DELIVER_SM that carries
// receipted_message_id is a receipt too, whatever type it declares: the seed says the provider's
// status reports carry it with message_state, an incoming SMS never does (SMPP 3.4 §5.3.2.12: it
// names the message a receipt reports on), and an intermediate notification (0x20) is a status
// report (ENROUTE changes nothing), not a subscriber's text. Any other declared type goes the same
// way without it: an intermediate notification or an SME delivery acknowledgement reports on a
// message we sent, and a manual/user acknowledgement (0x10) answers one that asked for it (we never
// do: registered_delivery asks for SMSC receipts only). Read as a receipt if its text is one, else
// kept raw for an operator, never published as a new incoming message. message_state is not
// required with it:
// one of the wrong length is read as absent (smpp-package.ts), and the receipt is then read from its
// text rather than stored as an incoming SMS (its message left `submitted` for good). Only
// then, and only when configured (SMPP_RECEIPT_TEXT_FALLBACK, for SMSCs that set neither),
// does a text reading "id:… stat:…" make it a receipt: the provider marks its receipts, and an
// incoming SMS is free text a subscriber may well write that way.
import type { DeliverSm } from '#bind-service/smpp/index.ts';
import { decodeText, encodingForDataCoding } from '#core/domain/encoding/index.ts';
import { isReceiptText } from '#core/domain/receipts/receipt.ts';
import { payloadOf } from './incoming.ts';

const MESSAGE_TYPE_BITS = 0x3c;
const UDHI = 0x40;

export type DeliveryKind = 'receipt' | 'incoming';

export function deliveryKind(
  delivery: DeliverSm,
  receiptText: () => string,
  textFallback: boolean,
): DeliveryKind {
  if (delivery.isReceipt) return 'receipt';
  if (delivery.receiptedMessageId !== undefined) return 'receipt';
  // Another declared type without them: a report on a message we sent, whatever its text.
  if ((delivery.esmClass & MESSAGE_TYPE_BITS) !== 0) return 'receipt';
  if (!textFallback || (delivery.esmClass & UDHI) !== 0) return 'incoming';
  return isReceiptText(receiptText()) ? 'receipt' : 'incoming';
}

/**
 * Receipt and HLR texts are ASCII whatever data_coding 0 means for an SMS: read as GSM 03.38, the
 * "_" of "net:T2_Mobile" would become "§" (and "@" "¡", "$" "¤"). Only UCS-2 is decoded as such.
 */
export function receiptTextOf(delivery: DeliverSm): string {
  const payload = payloadOf(delivery);
  if (encodingForDataCoding(delivery.dataCoding) === 'ucs2') return decodeText(payload, delivery.dataCoding);
  return payload.toString('latin1');
}
