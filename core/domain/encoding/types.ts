export type Encoding = 'gsm7' | 'latin1' | 'ucs2';
export type EncodingChoice = 'auto' | Encoding;
/** A message's encoding: a text alphabet, or 8-bit binary data the caller gave in hex. */
export type MessageEncoding = Encoding | 'binary';

export interface EncodeOptions {
  /** Default 'auto': GSM 7-bit when every character fits, else UCS-2 (Latin-1 instead of GSM in isoMode). */
  encoding?: EncodingChoice;
  /** The bind's system_type carries ISO: data_coding 0 then means ISO-8859-1, so GSM 7-bit is unavailable. */
  isoMode?: boolean;
  /** Flash SMS: message class 0 (data_coding bit 4 set, class bits 00). */
  flash?: boolean;
  /** Default 10; an integer 1..255 (the UDH counts parts in one octet). */
  maxParts?: number;
  /** Concatenation reference 0..255 written in every part's UDH; default: a rolling counter. */
  reference?: number;
}

export interface EncodedMessage {
  encoding: Encoding;
  /** The SMPP data_coding byte to send. */
  dataCoding: number;
  /** 0x40 (UDHI) when parts.length > 1, else 0. */
  esmClass: number;
  /** Each a complete short_message: [UDH +] payload bytes. GSM is unpacked, one septet per octet. */
  parts: Buffer[];
  /** Total length: GSM septets (an extension character counts 2), Latin-1 bytes, or UTF-16 units. */
  units: number;
}

export interface MessagePlan {
  encoding: Encoding;
  dataCoding: number;
  parts: number;
  units: number;
}

/** From a concatenation information element; index is 1-based. */
export interface ConcatInfo {
  reference: number;
  total: number;
  index: number;
}
