// The provider strips the comment (after "\n~~~\n") before sending on and bills what is left: a
// message's parts are counted on its text alone, in the encoding its data_coding announced.
import { encodingForDataCoding, planMessage } from '#core/domain/encoding/index.ts';

/** SMS the subscriber gets for `text` (comment already removed); `wireParts` when it cannot tell. */
export function billedParts(text: string, dataCoding: number, iso: boolean, wireParts: number): number {
  if (text.length === 0) return 1;
  const encoding = encodingForDataCoding(dataCoding, { isoMode: iso });
  try {
    return planMessage(text, { encoding, isoMode: iso, maxParts: 255 }).parts;
  } catch {
    return wireParts;
  }
}
