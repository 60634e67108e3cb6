import { MalformedUdhError } from '../errors.ts';
import type { ConcatInfo } from '../types.ts';
import { CONCAT_UDH_LENGTH } from './part-sizes.ts';

/** esm_class bit 6: short_message starts with a user data header. */
export const UDHI = 0x40;

const IE_CONCAT_8BIT = 0x00;
const IE_CONCAT_16BIT = 0x08;

export function writeConcatUdh(target: Buffer, reference: number, total: number, index: number): void {
  target[0] = CONCAT_UDH_LENGTH - 1;
  target[1] = IE_CONCAT_8BIT;
  target[2] = 3;
  target[3] = reference;
  target[4] = total;
  target[5] = index;
}

/**
 * Separates the UDH from the text. Both concatenation IEs are read (8-bit reference 00 03 and 16-bit
 * 08 04); other IEs are skipped. Throws MalformedUdhError when the header overruns the message.
 */
export function splitUdh(shortMessage: Buffer, esmClass: number): { concat?: ConcatInfo; payload: Buffer } {
  if ((esmClass & UDHI) === 0 || shortMessage.length === 0) return { payload: shortMessage };
  const headerEnd = 1 + shortMessage[0]!;
  if (headerEnd > shortMessage.length) {
    throw new MalformedUdhError(
      `header length ${headerEnd - 1} exceeds the ${shortMessage.length - 1} octets that follow it`,
    );
  }
  let concat: ConcatInfo | undefined;
  let at = 1;
  while (at + 2 <= headerEnd) {
    const id = shortMessage[at]!;
    const length = shortMessage[at + 1]!;
    const data = at + 2;
    if (data + length > headerEnd) {
      throw new MalformedUdhError(`information element 0x${id.toString(16)} overruns the header`);
    }
    if (id === IE_CONCAT_8BIT && length === 3) {
      concat = concatInfo(shortMessage[data]!, shortMessage[data + 1]!, shortMessage[data + 2]!) ?? concat;
    } else if (id === IE_CONCAT_16BIT && length === 4) {
      const reference = shortMessage.readUInt16BE(data);
      concat = concatInfo(reference, shortMessage[data + 2]!, shortMessage[data + 3]!) ?? concat;
    }
    at = data + length;
  }
  const payload = shortMessage.subarray(headerEnd);
  return concat ? { concat, payload } : { payload };
}

// TS 23.040 §9.2.3.24.1: an element with total 0, or an index of 0 or above total, is ignored.
function concatInfo(reference: number, total: number, index: number): ConcatInfo | undefined {
  if (total === 0 || index === 0 || index > total) return undefined;
  return { reference, total, index };
}
