// DELIVER_SM (receipt or MO) is acknowledged only after the handler settled, i.e. after the
// delivery was stored (DESIGN: "Nothing lost"). Without a handler, or when it fails, the answer is
// ESME_RX_T_APPN so the SMSC keeps the delivery and sends it again later.

import { type DeliverSm, fromDeliverPdu } from '../pdu/pdu-mapping.ts';
import type { PDU } from '../pdu/smpp-package.ts';
import { Status } from '../pdu/status.ts';
import type { SmppConnection } from './connection.ts';

/** Stores the delivery and answers the command_status to send: 0, or e.g. 0x64 ESME_RX_T_APPN. */
export type DeliverHandler = (delivery: DeliverSm) => Promise<number>;

export interface DeliveryAnswer {
  delivery: DeliverSm;
  commandStatus: number;
  /** False when the connection was gone before the answer could be written (the SMSC redelivers). */
  answered: boolean;
}

async function decide(handler: DeliverHandler | undefined, delivery: DeliverSm): Promise<number> {
  if (!handler) return Status.ESME_RX_T_APPN;
  try {
    const status = await handler(delivery);
    return Number.isInteger(status) && status >= 0 && status <= 0xffffffff ? status : Status.ESME_RX_T_APPN;
  } catch {
    return Status.ESME_RX_T_APPN;
  }
}

/**
 * Stores the delivery and answers it. The answer is owed to the connection from the start, so an
 * unbind from the SMSC right behind the DELIVER_SM waits for it before it closes the socket.
 */
export function answerDelivery(
  connection: SmppConnection,
  pdu: PDU,
  handler: DeliverHandler | undefined,
): Promise<DeliveryAnswer> {
  const answer = storeAndAnswer(connection, pdu, handler);
  connection.owe(answer);
  return answer;
}

async function storeAndAnswer(
  connection: SmppConnection,
  pdu: PDU,
  handler: DeliverHandler | undefined,
): Promise<DeliveryAnswer> {
  const delivery = fromDeliverPdu(pdu);
  const commandStatus = await decide(handler, delivery);
  const answered = connection.reply(pdu, { command_status: commandStatus });
  return { delivery, commandStatus, answered };
}
