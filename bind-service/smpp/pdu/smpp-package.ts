// The one place that loads the untyped `smpp` package and adapts it to this project:
// - short_message and message_payload travel as raw bytes. Our own codecs (core/domain/encoding)
//   decide data_coding, UDH and text; the package's guessing (GSM tables, auto-detect) is off.
// - the provider's TLVs 0x2000-0x2004 get names, so they are encoded and decoded like standard ones.
import smpp from 'smpp';

for (const command of Object.values(smpp.commands)) {
  const shortMessage = command.params?.short_message;
  if (shortMessage) shortMessage.filter = undefined;
}
const payload = smpp.tlvs.message_payload;
if (payload) payload.filter = undefined;

export const PROVIDER_TLV = {
  cost: 'smsc_cost',
  flags: 'smsc_flags',
  parts: 'smsc_parts',
  mccmnc: 'smsc_mccmnc',
  extraStatus: 'smsc_extra_status',
} as const;

if (!smpp.tlvs[PROVIDER_TLV.cost]) {
  smpp.addTLV(PROVIDER_TLV.cost, { id: 0x2000, type: smpp.types.tlv.cstring });
  smpp.addTLV(PROVIDER_TLV.flags, { id: 0x2001, type: smpp.types.tlv.int16 });
  smpp.addTLV(PROVIDER_TLV.parts, { id: 0x2002, type: smpp.types.tlv.int16 });
  smpp.addTLV(PROVIDER_TLV.mccmnc, { id: 0x2003, type: smpp.types.tlv.cstring });
  smpp.addTLV(PROVIDER_TLV.extraStatus, { id: 0x2004, type: smpp.types.tlv.int16 });
}

export type { CommandName, PDU, PduFields, Server, Session } from 'smpp';
export { smpp };
