// The strict reading of a DELIVER_SM's layout, run on every PDU the engine reads off the socket
// before the package decodes it (the session's `checkPdu` option, patches/smpp+0.5.1.patch). The
// package reads loosely: it stops at the end of the PDU without a word (a body cut after
// service_type came out as an incoming message with no addresses and no text), cuts short_message
// at the end (sm_length 40 with 5 octets gave "hello"), and reads a C-string to the next NUL
// wherever it is (a source_addr without its NUL took the next fields with it and shifted every
// later one: the message was stored under wrong addresses). A DELIVER_SM is acknowledged as stored,
// so what is stored must be what the SMSC sent: one that breaks its layout is refused here, and the
// connection answers it as an unreadable PDU (connection.ts).
//
// A C-string that lost its NUL does not always overrun the PDU: the next field's octet can stand in
// for the NUL (a TON of 0), and the reading is back in step one field later, with a character read
// as a TON or NPI and an address cut short. So two content rules back the layout: a C-string holds
// no control characters (SMPP 3.4: ASCII text; a TON, NPI or length octet read into it is one), and
// a TON or NPI is below 0x20 (SMPP 3.4's values end at 6 and 18; an octet of 0x20 or more there is a
// character read in its place, while an unusual small value passes, as it did before).
//
// The TLVs' declared lengths must walk the PDU to its end; a TLV whose length is not its type's
// size (a message_state of 0 octets) is not refused here: the chain is in step, and the package
// reads that one TLV as absent (smpp-package.ts), so the receipt is stored from its text.

/** One mandatory field, in the order of SMPP 3.4 section 4.6.1 (the package's own order too). */
type Field =
  /** `below`: the value must be less than this (a TON or NPI). */
  | { name: string; kind: 'int8'; below?: number }
  /** `max`: SMPP 3.4's maximum size, the NUL included. */
  | { name: string; kind: 'cstring'; max: number }
  /** A length octet (sm_length) and that many octets. */
  | { name: string; kind: 'octets' };

const DELIVER_SM_ID = 0x00000005;
/** A TON or NPI at or above this is a character read in its place. */
const CODE_LIMIT = 0x20;
const HEADER_OCTETS = 16;
const TLV_HEADER_OCTETS = 4;

export const DELIVER_SM_FIELDS: readonly Field[] = [
  { name: 'service_type', kind: 'cstring', max: 6 },
  { name: 'source_addr_ton', kind: 'int8', below: CODE_LIMIT },
  { name: 'source_addr_npi', kind: 'int8', below: CODE_LIMIT },
  { name: 'source_addr', kind: 'cstring', max: 21 },
  { name: 'dest_addr_ton', kind: 'int8', below: CODE_LIMIT },
  { name: 'dest_addr_npi', kind: 'int8', below: CODE_LIMIT },
  { name: 'destination_addr', kind: 'cstring', max: 21 },
  { name: 'esm_class', kind: 'int8' },
  { name: 'protocol_id', kind: 'int8' },
  { name: 'priority_flag', kind: 'int8' },
  { name: 'schedule_delivery_time', kind: 'cstring', max: 17 },
  { name: 'validity_period', kind: 'cstring', max: 17 },
  { name: 'registered_delivery', kind: 'int8' },
  { name: 'replace_if_present_flag', kind: 'int8' },
  { name: 'data_coding', kind: 'int8' },
  { name: 'sm_default_msg_id', kind: 'int8' },
  { name: 'short_message', kind: 'octets' },
];

const LAYOUTS = new Map<number, { command: string; fields: readonly Field[] }>([
  [DELIVER_SM_ID, { command: 'deliver_sm', fields: DELIVER_SM_FIELDS }],
]);

/**
 * Throws when a PDU of a checked command (DELIVER_SM) breaks its layout: a mandatory field beyond
 * command_length, a C-string without its NUL inside the PDU, longer than SMPP 3.4 allows or holding
 * a control character, a TON or NPI of 0x20 or more, sm_length beyond the end, a TLV (header or
 * value) beyond the end, or octets after the last TLV too few for one. The message names the field
 * and the numbers, never the PDU's content (it goes to the error log). Other commands, and a header
 * the package itself refuses, pass through.
 */
export function checkPduLayout(pdu: Buffer): void {
  if (pdu.length < HEADER_OCTETS) return;
  const layout = LAYOUTS.get(pdu.readUInt32BE(4));
  if (!layout) return;
  const end = Math.min(pdu.length, pdu.readUInt32BE(0));
  const fail = (what: string): never => {
    throw new Error(`malformed ${layout.command} (command_length ${end}): ${what}`);
  };
  let offset = HEADER_OCTETS;
  for (const field of layout.fields) {
    if (offset >= end) fail(`the PDU ends before ${field.name} (offset ${offset})`);
    offset = fieldEnd(pdu, offset, end, field, fail);
  }
  while (offset < end) {
    const left = end - offset;
    if (left < TLV_HEADER_OCTETS) fail(`${left} octet(s) after the last field, too few for a TLV`);
    const tag = pdu.readUInt16BE(offset);
    const length = pdu.readUInt16BE(offset + 2);
    if (length > left - TLV_HEADER_OCTETS) {
      fail(
        `TLV 0x${tag.toString(16).padStart(4, '0')} at offset ${offset} declares ${length} octets, ` +
          `${left - TLV_HEADER_OCTETS} left in the PDU`,
      );
    }
    offset += TLV_HEADER_OCTETS + length;
  }
}

function fieldEnd(pdu: Buffer, offset: number, end: number, field: Field, fail: (what: string) => never) {
  switch (field.kind) {
    case 'int8': {
      const value = pdu.readUInt8(offset);
      if (field.below !== undefined && value >= field.below) {
        fail(`${field.name} at offset ${offset} is 0x${value.toString(16)}, a character, not a code`);
      }
      return offset + 1;
    }
    case 'cstring': {
      const text = pdu.subarray(offset, Math.min(end, offset + field.max));
      const nul = text.indexOf(0);
      if (nul === -1) {
        return end - offset < field.max
          ? fail(`${field.name} at offset ${offset} has no NUL before the end of the PDU`)
          : fail(`${field.name} at offset ${offset} has no NUL within its ${field.max} octets`);
      }
      const control = text.subarray(0, nul).findIndex((octet) => octet < 0x20 || octet === 0x7f);
      if (control !== -1)
        fail(`${field.name} at offset ${offset} holds a control octet at ${offset + control}`);
      return offset + nul + 1;
    }
    case 'octets': {
      const length = pdu.readUInt8(offset);
      const left = end - offset - 1;
      if (length > left) fail(`${field.name} declares ${length} octets (sm_length), ${left} left in the PDU`);
      return offset + 1 + length;
    }
  }
}
