import { EncodingUnavailableError } from '../errors.ts';
import type { Encoding } from '../types.ts';

// The provider: data_coding = coding × 4 (0 GSM 7-bit, 1 ISO-8859-1, 2 UCS-2), i.e. the GSM general data
// coding group's alphabet bits 2-3.
const GSM7 = 0x00;
const OCTETS = 0x04;
const UCS2 = 0x08;
/** General group: bit 4 says bits 0-1 carry a message class; class 0 (00) is flash. */
const CLASS_PRESENT = 0x10;

export function dataCodingFor(
  encoding: Encoding,
  options: { isoMode?: boolean; flash?: boolean } = {},
): number {
  const flash = options.flash ? CLASS_PRESENT : 0;
  switch (encoding) {
    case 'gsm7':
      if (options.isoMode) throw new EncodingUnavailableError(encoding);
      return GSM7 | flash;
    case 'latin1':
      // With system_type ISO the server reads data_coding 0 as ISO-8859-1.
      return (options.isoMode ? GSM7 : OCTETS) | flash;
    case 'ucs2':
      return UCS2 | flash;
  }
}

const ALPHABET_BY_BITS: readonly Encoding[] = ['gsm7', 'latin1', 'ucs2', 'latin1'];

/**
 * The alphabet a received data_coding announces. Lenient on purpose: anything that is not GSM or UCS-2
 * decodes as Latin-1, so a message is always readable rather than refused.
 */
export function encodingForDataCoding(dataCoding: number, options: { isoMode?: boolean } = {}): Encoding {
  const dc = dataCoding & 0xff;
  // General group 00xx and automatic-deletion group 01xx (TS 23.038 §4): alphabet in bits 2-3.
  if (dc < 0x80) {
    const alphabet = ALPHABET_BY_BITS[(dc >> 2) & 0x03]!;
    if (alphabet !== 'gsm7') return alphabet;
    // Without a message class, the low bits are SMPP's own values: 1 IA5/ASCII, 2 octets, 3 Latin-1.
    if ((dc & CLASS_PRESENT) === 0 && (dc & 0x03) !== 0) return 'latin1';
    return options.isoMode ? 'latin1' : 'gsm7';
  }
  // Message waiting indication groups: discard/store use GSM, 0xE0-0xEF stores UCS-2.
  if (dc >= 0xc0 && dc < 0xe0) return 'gsm7';
  if (dc >= 0xe0 && dc < 0xf0) return 'ucs2';
  // Data coding/message class group: bit 2 set is 8-bit data, clear is GSM 7-bit.
  if (dc >= 0xf0) return (dc & OCTETS) !== 0 ? 'latin1' : 'gsm7';
  // 0x80-0xBF is reserved.
  return 'latin1';
}
