import { encodingForDataCoding } from './data-coding.ts';
import { ESC, GSM7_DECODE_BASIC, GSM7_DECODE_EXTENSION } from './gsm7-alphabet.ts';

export interface DecodeOptions {
  isoMode?: boolean;
}

/** One part of a long message as received, without its UDH: decoded only once the parts are joined. */
export interface PartPayload {
  octets: Uint8Array;
  dataCoding: number;
}

/**
 * SMPP 3.4's own data_coding values (§5.2.19) naming a character set we never send but a sender
 * may use, decoded by the runtime's WHATWG decoders. The others of that table (JIS X 0208/0212 as
 * bare 7-bit pairs, pictograms, KS C 5601) have no decoder whose reading of them we could vouch for:
 * they stay with encodingForDataCoding's lenient default.
 */
const SMPP_CHARSETS: ReadonlyMap<number, string> = new Map([
  [0x06, 'iso-8859-5'],
  [0x07, 'iso-8859-8'],
  [0x0a, 'iso-2022-jp'],
]);

const charsetDecoders = new Map<number, { decode(octets: Uint8Array): string } | null>();

/**
 * Made on first use, not at load: every Lambda loads this module, and a runtime built without these
 * character sets (small ICU) would otherwise fail to start; it decodes them as Latin-1 instead.
 */
function charsetDecoder(dataCoding: number): { decode(octets: Uint8Array): string } | undefined {
  const label = SMPP_CHARSETS.get(dataCoding);
  if (label === undefined) return undefined;
  if (!charsetDecoders.has(dataCoding)) {
    let decoder: { decode(octets: Uint8Array): string } | null = null;
    try {
      decoder = new TextDecoder(label);
    } catch {
      // RangeError: this runtime has no such decoder.
    }
    charsetDecoders.set(dataCoding, decoder);
  }
  return charsetDecoders.get(dataCoding) ?? undefined;
}

/** Text of a payload WITHOUT its UDH (see splitUdh); data_coding as received. */
export function decodeText(bytes: Buffer, dataCoding: number, options: DecodeOptions = {}): string {
  const charset = charsetDecoder(dataCoding);
  if (charset) return charset.decode(bytes);
  switch (encodingForDataCoding(dataCoding, options)) {
    case 'gsm7':
      return decodeGsm7(bytes);
    case 'latin1':
      return bytes.toString('latin1');
    case 'ucs2':
      return decodeUcs2(bytes);
  }
}

function decodeGsm7(bytes: Buffer): string {
  // Code units go into a UTF-16LE buffer that Node turns into a string natively in one step.
  const out = Buffer.allocUnsafe(bytes.length * 2);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    // Unpacked septets; the top bit is not part of the alphabet.
    const septet = bytes[i]! & 0x7f;
    let unit = GSM7_DECODE_BASIC[septet]!;
    if (septet === ESC) {
      const next = i + 1 < bytes.length ? bytes[i + 1]! & 0x7f : -1;
      const extended = next < 0 ? 0 : GSM7_DECODE_EXTENSION[next]!;
      // TS 23.038: an escape to an undefined extension shows the default-alphabet character instead, so
      // the escape itself is dropped; a trailing escape is dropped too.
      if (extended === 0) continue;
      unit = extended;
      i++;
    }
    out[length++] = unit & 0xff;
    out[length++] = unit >> 8;
  }
  return out.toString('utf16le', 0, length);
}

function decodeUcs2(bytes: Buffer): string {
  // A trailing odd octet cannot be a UTF-16 unit; it is dropped.
  const even = bytes.length & ~1;
  const swapped = Buffer.from(bytes.subarray(0, even)).swap16();
  return swapped.toString('utf16le');
}

/**
 * A long message's text from its parts in order. A sender may cut a character in two, a GSM escape
 * (`€` is ESC 0x65) or a UTF-16 surrogate pair (an emoji), so parts of one coding are joined as
 * octets and decoded together. A string is a part an earlier version stored already decoded.
 */
export function decodeParts(parts: readonly (PartPayload | string)[], options: DecodeOptions = {}): string {
  let text = '';
  let run: Uint8Array[] = [];
  let runCoding = -1;
  const flush = () => {
    if (run.length > 0) text += decodeText(Buffer.concat(run), runCoding, options);
    run = [];
  };
  for (const part of parts) {
    if (typeof part === 'string') {
      flush();
      text += part;
      continue;
    }
    if (part.dataCoding !== runCoding) flush();
    runCoding = part.dataCoding;
    const ucs2 =
      !SMPP_CHARSETS.has(part.dataCoding) && encodingForDataCoding(part.dataCoding, options) === 'ucs2';
    // An odd octet cannot be half of a UTF-16 unit of the next part: dropped, as decodeText does.
    run.push(ucs2 && part.octets.length % 2 === 1 ? part.octets.subarray(0, -1) : part.octets);
  }
  flush();
  return text;
}
