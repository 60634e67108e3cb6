// The one place that loads the untyped `smpp` package and adapts it to this project:
// - short_message and message_payload travel as raw bytes. Our own codecs (core/domain/encoding)
//   decide data_coding, UDH and text; the package's guessing (GSM tables, auto-detect) is off.
// - the provider's TLVs 0x2000-0x2004 get names, so they are encoded and decoded like standard ones.
// - PDUs up to MAX_PDU_LENGTH are read (a 64 K message_payload fits).
import smpp, { type TlvType } from 'smpp';

/**
 * The largest command_length read (the package's own limit was 16,384). SMPP 3.4 lets
 * message_payload carry up to 64 K (its TLV length is 16 bits), so a well-framed DELIVER_SM of
 * 65,535 payload octets + its 4-octet TLV header + the 16-octet PDU header + a mandatory part of at
 * most ~350 octets + a few other TLVs must pass: above 16,384 the link was dropped, and the SMSC
 * sent the same PDU again on every bind. Still a bound: a garbled length (a stream out of step)
 * drops the link as a protocol error rather than waiting for megabytes that never come.
 */
export const MAX_PDU_LENGTH = 70_000;
smpp.PDU.maxLength = MAX_PDU_LENGTH;

for (const command of Object.values(smpp.commands)) {
  const shortMessage = command.params?.short_message;
  if (shortMessage) shortMessage.filter = undefined;
}
const payload = smpp.tlvs.message_payload;
if (payload) payload.filter = undefined;

/**
 * A C-octet-string TLV read within its own length, up to its first NUL if it has one. The package
 * reads to the next NUL whatever the length, so an SMSC that sends the value without its NUL (its
 * length then covers the characters alone) had it run on into the next TLV: receipted_message_id
 * "1000001" came out as "1000001'" (the next tag's bytes) and the receipt never found its message.
 * Written as before, with the NUL.
 */
const boundedCString = {
  ...smpp.types.tlv.cstring,
  read(buffer: Buffer, offset: number, length: number): string {
    const value = buffer.subarray(offset, offset + length);
    const end = value.indexOf(0);
    return value.toString('ascii', 0, end === -1 ? value.length : end);
  },
};
for (const tlv of Object.values(smpp.tlvs)) {
  if (tlv.type === smpp.types.tlv.cstring) tlv.type = boundedCString;
}

export const PROVIDER_TLV = {
  cost: 'smsc_cost',
  flags: 'smsc_flags',
  parts: 'smsc_parts',
  mccmnc: 'smsc_mccmnc',
  extraStatus: 'smsc_extra_status',
} as const;

if (!smpp.tlvs[PROVIDER_TLV.cost]) {
  smpp.addTLV(PROVIDER_TLV.cost, { id: 0x2000, type: boundedCString });
  smpp.addTLV(PROVIDER_TLV.flags, { id: 0x2001, type: smpp.types.tlv.int16 });
  smpp.addTLV(PROVIDER_TLV.parts, { id: 0x2002, type: smpp.types.tlv.int16 });
  smpp.addTLV(PROVIDER_TLV.mccmnc, { id: 0x2003, type: boundedCString });
  smpp.addTLV(PROVIDER_TLV.extraStatus, { id: 0x2004, type: smpp.types.tlv.int16 });
}

/**
 * An integer TLV read only when its length is its type's size, else as absent. The package reads an
 * integer at the TLV's offset whatever its length: a message_state of length 0 took the next tag's
 * first octet, and a receipt whose text said DELIVRD was stored as state 4 (DELETED; the receipt's
 * reading trusts the TLV over its text); a provider flags TLV of one octet read as "paid from the
 * second balance". The package still steps over the declared length, and pdu-layout.ts has checked
 * that the declared lengths walk the PDU to its end, so the TLVs after it are read as sent. Absent,
 * the receipt is stored from its text: refusing the DELIVER_SM instead would lose the receipt for
 * good (the SMSC does not send a refused one again, and a `submitted` message is never asked about).
 */
function sizedInteger(type: TlvType, size: number): TlvType {
  return {
    ...type,
    read(buffer: Buffer, offset: number, length: number): unknown {
      return length === size ? type.read(buffer, offset, length) : undefined;
    },
  };
}
const INTEGER_SIZES = new Map([
  [smpp.types.tlv.int8, 1],
  [smpp.types.tlv.int16, 2],
  [smpp.types.tlv.int32, 4],
]);
for (const tlv of Object.values(smpp.tlvs)) {
  const size = INTEGER_SIZES.get(tlv.type);
  if (size !== undefined) tlv.type = sizedInteger(tlv.type, size);
}

export type { CommandName, PDU, PduFields, Server, Session } from 'smpp';
export { smpp };
