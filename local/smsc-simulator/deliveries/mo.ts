// Incoming (MO) messages: the text is encoded and split like a handset's message and delivered as
// DELIVER_SM (UDH-concatenated parts when long) to a receiving session of the account.

import { type PduFields, smpp } from '#bind-service/smpp/codec.ts';
import { encodeMessage } from '#core/domain/encoding/index.ts';
import type { SessionRegistry } from '../sessions/registry.ts';

export interface MoMessage {
  systemId: string;
  from: string;
  to: string;
  text: string;
  encoding?: 'auto' | 'gsm7' | 'latin1' | 'ucs2';
}

/** International numbers as TON 1 / NPI 1 without '+', anything else as alphanumeric (TON 5). */
function address(value: string): { addr: string; ton: number; npi: number } {
  const digits = value.startsWith('+') ? value.slice(1) : value;
  return /^\d+$/.test(digits) ? { addr: digits, ton: 1, npi: 1 } : { addr: value, ton: 5, npi: 0 };
}

/** Sends every part at once, as an SMSC pipelines them; resolves with each DELIVER_SM_RESP status. */
export async function deliverMo(
  registry: SessionRegistry,
  mo: MoMessage,
  responseTimeoutMs: number,
): Promise<number[]> {
  const session = registry.receiver(mo.systemId);
  if (!session) throw new Error(`no receiving session bound for ${mo.systemId}`);
  const encoded = encodeMessage(mo.text, { encoding: mo.encoding ?? 'auto', isoMode: session.flags.iso });
  const from = address(mo.from);
  const to = address(mo.to);
  const responses = encoded.parts.map((part) => {
    const fields: PduFields = {
      source_addr_ton: from.ton,
      source_addr_npi: from.npi,
      source_addr: from.addr,
      dest_addr_ton: to.ton,
      dest_addr_npi: to.npi,
      destination_addr: to.addr,
      esm_class: encoded.esmClass,
      data_coding: encoded.dataCoding,
      short_message: part,
    };
    return session.request(new smpp.PDU('deliver_sm', fields), responseTimeoutMs);
  });
  const answers = await Promise.all(responses);
  return answers.map((answer) => answer.command_status);
}
