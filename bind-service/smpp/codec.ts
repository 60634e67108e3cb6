// The engine's public codec entry: what a PDU peer needs to speak SMPP the way this engine does (the
// SMSC simulator, test clients). The same configured `smpp` package (raw short_message bytes, the
// provider's TLVs 0x2000-0x2004 by name), so both ends encode alike. The client itself is index.ts.
export {
  type CommandName,
  type PDU,
  type PduFields,
  PROVIDER_TLV,
  type Server,
  type Session,
  smpp,
} from './pdu/smpp-package.ts';
