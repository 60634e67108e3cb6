import { UsageError } from '../context.ts';

// A mailing CSV's bytes as text. UTF-8 (with or without a BOM), or UTF-16 with its BOM (Excel's
// "Unicode text"). Anything else, above all a legacy code page (Excel's plain "CSV" on a Russian
// Windows is Windows-1251), would be read as UTF-8 with its letters replaced by U+FFFD and sent so to
// every recipient: it is refused before anything is sent, naming where the first unreadable byte is.

const UTF16_BOMS = [
  { bytes: [0xff, 0xfe], encoding: 'utf-16le' },
  { bytes: [0xfe, 0xff], encoding: 'utf-16be' },
] as const;

const SAVE_AS = 'save it as "CSV UTF-8" (in Excel: Save As, "CSV UTF-8 (Comma delimited)") and run again';

export function csvText(bytes: Buffer): string {
  const utf16 = UTF16_BOMS.find(({ bytes: bom }) => bom.every((byte, index) => bytes[index] === byte));
  // TextDecoder drops the BOM itself (ignoreBOM is false by default).
  const decoder = new TextDecoder(utf16?.encoding ?? 'utf-8', { fatal: true });
  try {
    return decoder.decode(bytes);
  } catch {
    if (utf16) throw new UsageError(`the CSV starts as UTF-16 but is not valid UTF-16: ${SAVE_AS}`);
    const at = firstInvalidUtf8(bytes);
    throw new UsageError(
      `the CSV is not UTF-8 text: line ${at.line} (byte ${at.offset}) cannot be read as UTF-8, ` +
        `so its letters would be sent garbled; nothing was sent. If it comes from Excel, ${SAVE_AS}`,
    );
  }
}

/**
 * Where the first byte that is not UTF-8 is: its line (1-based, the header being line 1) and its
 * offset in the file (0-based). Only called once the file is known not to be UTF-8, so it may be slow.
 */
function firstInvalidUtf8(bytes: Buffer): { line: number; offset: number } {
  // A line feed byte is never part of a multi-byte sequence: the file splits into lines at 0x0A.
  let start = 0;
  for (let line = 1; start <= bytes.length; line++) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.length : newline;
    const offset = invalidOffsetIn(bytes.subarray(start, end));
    if (offset !== undefined) return { line, offset: start + offset };
    start = end + 1;
  }
  return { line: 1, offset: 0 };
}

/**
 * The offset of the first invalid sequence in a line, or undefined if the line is UTF-8. The lenient
 * decoder puts one U+FFFD where each invalid sequence starts; a U+FFFD the line itself holds (as
 * the three bytes EF BF BD) is text, not a fault, and is passed over.
 */
function invalidOffsetIn(line: Buffer): number | undefined {
  if (isUtf8(line)) return undefined;
  // ignoreBOM: a BOM on the first line stays a character, so that the offsets count its bytes.
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(line);
  let offset = 0;
  for (const char of text) {
    if (
      char === '\uFFFD' &&
      !(line[offset] === 0xef && line[offset + 1] === 0xbf && line[offset + 2] === 0xbd)
    ) {
      return offset;
    }
    offset += Buffer.byteLength(char);
  }
  return undefined;
}

function isUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
