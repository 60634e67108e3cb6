import { encodingForDataCoding } from './data-coding.ts';
import { ESC, EXTENDED, GSM7_DECODE_BASIC, GSM7_DECODE_EXTENSION, GSM7_ENCODE } from './gsm7-alphabet.ts';

/** A part's text ending in an escape whose character is the next part's first (joinPartTexts). */
const OPEN_ESCAPE = '\u001b';

export interface DecodeOptions {
  isoMode?: boolean;
  /**
   * A part of a long message: a GSM escape at its very end is kept (as U+001B) for joinPartTexts,
   * since a sender that splits `€` (ESC 0x65) across two parts leaves its character in the next one.
   */
  openEscape?: boolean;
}

/** Text of a payload WITHOUT its UDH (see splitUdh); data_coding as received. */
export function decodeText(bytes: Buffer, dataCoding: number, options: DecodeOptions = {}): string {
  switch (encodingForDataCoding(dataCoding, options)) {
    case 'gsm7':
      return decodeGsm7(bytes, options.openEscape === true);
    case 'latin1':
      return bytes.toString('latin1');
    case 'ucs2':
      return decodeUcs2(bytes);
  }
}

function decodeGsm7(bytes: Buffer, openEscape: boolean): string {
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
      // the escape itself is dropped; a trailing escape is dropped too, unless the next part ends it.
      if (extended === 0 && !(next < 0 && openEscape)) continue;
      unit = extended === 0 ? ESC : extended;
      if (extended !== 0) i++;
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
 * The parts' texts joined in order; a part ending in an open escape (decodeText's `openEscape`) takes
 * the next part's first character as the escaped one: `10` + ESC | `e only` reads `10€ only`.
 */
export function joinPartTexts(texts: readonly string[]): string {
  let joined = '';
  for (const text of texts) {
    if (!joined.endsWith(OPEN_ESCAPE)) {
      joined += text;
      continue;
    }
    joined = joined.slice(0, -1);
    const septet = text.length > 0 ? GSM7_ENCODE[text.charCodeAt(0)]! : -1;
    const extended = septet >= 0 && septet < EXTENDED ? GSM7_DECODE_EXTENSION[septet]! : 0;
    joined += extended === 0 ? text : String.fromCharCode(extended) + text.slice(1);
  }
  return joined.endsWith(OPEN_ESCAPE) ? joined.slice(0, -1) : joined;
}
