import {
  type DeliveryReceipt,
  isKnownMessageState,
  parseDeliveryReceipt,
} from '#core/domain/receipts/receipt.ts';

// A QUERY_SM answer (SMPP 3.4 query_sm_resp: message_state, error_code, final_date) read as the
// receipt the SMSC would have sent, so it is applied exactly the way a receipt is: a final state
// resolves the message, anything else leaves it as it is.

export interface QueryAnswer {
  /** SMPP message_state: 1 ENROUTE, 2 DELIVERED, 3 EXPIRED, 4 DELETED, 5 UNDELIVERABLE, 6 ACCEPTED, 7 UNKNOWN, 8 REJECTED. */
  messageState: number;
  /** The provider's `err` code (one octet in query_sm_resp). */
  errorCode: number;
  finalDate?: Date;
}

/** SMPP 3.4 message_state 7. */
const UNKNOWN_STATE = 7;

const two = (value: number) => String(value).padStart(2, '0');

/** YYMMDDhhmmss in UTC: a receipt's date with the seconds final_date carries (the parser takes both). */
function receiptDate(at: Date): string {
  return `${two(at.getUTCFullYear() % 100)}${two(at.getUTCMonth() + 1)}${two(at.getUTCDate())}${two(at.getUTCHours())}${two(at.getUTCMinutes())}${two(at.getUTCSeconds())}`;
}

export function receiptFromQuery(smscId: string, answer: QueryAnswer): DeliveryReceipt {
  const done = answer.finalDate ? ` done date:${receiptDate(answer.finalDate)}` : '';
  const err = String(answer.errorCode).padStart(3, '0');
  // A state SMPP 3.4 does not define (0, or past 8) tells nothing: read as UNKNOWN, no final answer.
  const messageState = isKnownMessageState(answer.messageState) ? answer.messageState : UNKNOWN_STATE;
  return parseDeliveryReceipt({ text: `id:${smscId}${done} err:${err}`, messageState });
}

/** Whether the answer says how the message ended (a receipt with this outcome changes its status). */
export function isFinalAnswer(receipt: DeliveryReceipt): boolean {
  return receipt.outcome !== 'enroute' && receipt.outcome !== 'unknown';
}
