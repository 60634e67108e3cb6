// What a response whose body the package could not read still says. Its 16-octet header was read
// whole (the stream is in step), and the header carries what settles the request it answers: the
// command_status and the sequence_number. Dropping it left that request unsettled: a
// bind_transceiver_resp ESME_ROK ending in an sc_interface_version of length 0 timed the bind out
// on every attempt (the SMSC held it bound, the engine never did), and a submit_sm_resp ESME_ROK
// waited out the response timeout and ended 'unknown' though the SMSC had taken the message.
import { type CommandName, type PDU, smpp } from './smpp-package.ts';
import { Status } from './status.ts';

const HEADER_OCTETS = 16;
const RESPONSE_BIT = 0x80000000;
/** SMPP 3.4: message_id is a C-string of at most 65 octets, its NUL included. */
const MESSAGE_ID_MAX = 65;

const RESPONSE_NAMES = new Map<number, CommandName>(
  Object.entries(smpp.commands)
    .filter(([, command]) => (command.id & RESPONSE_BIT) !== 0)
    .map(([name, command]) => [command.id, name as CommandName]),
);

/** The response's command name, or its hex id when the package does not know it. */
export function responseName(commandId: number): string {
  return RESPONSE_NAMES.get(commandId) ?? `0x${commandId.toString(16).padStart(8, '0')}`;
}

/**
 * The answer the header of an unreadable response stands for, or undefined when it says too
 * little: not a response the package knows, or a query_sm_resp ESME_ROK (its answer is the body:
 * a made-up message_state of 0 is worse than no answer).
 *
 * - A non-zero command_status is the refusal itself: the body (usually absent then) adds nothing.
 * - A bind, enquire_link or unbind response ESME_ROK is taken: the bind is up, as the SMSC holds
 *   it. A bind_resp's system_id only names the SMSC; the engine never reads it, so losing it with
 *   the body loses nothing (waiting for a readable answer had the engine drop, on every attempt, a
 *   bind the SMSC held).
 * - A submit_sm_resp ESME_ROK: its message_id comes first in the body and is read on its own, so
 *   the message is accepted under its id. When even that cannot be read (no NUL within its 65
 *   octets, or control octets: not a message id), it stands for a generic_nack with status 0:
 *   'unknown', never sent again (the SMSC said it took it; sending it again could send it twice).
 */
export function responseFromHeader(pdu: Buffer): PDU | undefined {
  if (pdu.length < HEADER_OCTETS) return undefined;
  const command = RESPONSE_NAMES.get(pdu.readUInt32BE(4));
  if (command === undefined) return undefined;
  const commandStatus = pdu.readUInt32BE(8);
  const sequenceNumber = pdu.readUInt32BE(12);
  if (commandStatus !== Status.ESME_ROK) {
    return new smpp.PDU(command, { sequence_number: sequenceNumber, command_status: commandStatus });
  }
  switch (command) {
    case 'query_sm_resp':
      return undefined;
    case 'submit_sm_resp': {
      const messageId = leadingMessageId(pdu);
      return messageId === undefined
        ? new smpp.PDU('generic_nack', { sequence_number: sequenceNumber, command_status: Status.ESME_ROK })
        : new smpp.PDU('submit_sm_resp', { sequence_number: sequenceNumber, message_id: messageId });
    }
    default:
      return new smpp.PDU(command, { sequence_number: sequenceNumber });
  }
}

/** The C-string right after the header, when it ends within the PDU and its 65 octets. */
function leadingMessageId(pdu: Buffer): string | undefined {
  const end = Math.min(pdu.length, pdu.readUInt32BE(0));
  const field = pdu.subarray(HEADER_OCTETS, Math.min(end, HEADER_OCTETS + MESSAGE_ID_MAX));
  const nul = field.indexOf(0);
  if (nul === -1) return undefined;
  const text = field.subarray(0, nul);
  if (text.some((octet) => octet < 0x20 || octet === 0x7f)) return undefined;
  return text.toString('ascii');
}
