import { encodingForDataCoding } from './data-coding.ts';
import { ESC, GSM7_DECODE_BASIC, GSM7_DECODE_EXTENSION } from './gsm7-alphabet.ts';

/** Text of a payload WITHOUT its UDH (see splitUdh); data_coding as received. */
export function decodeText(bytes: Buffer, dataCoding: number, options: { isoMode?: boolean } = {}): string {
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
