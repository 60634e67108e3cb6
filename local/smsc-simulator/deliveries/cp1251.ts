// windows-1251 encoding for the simulator's HLR answers, built from the decoder the bind-service
// uses, so the two cannot disagree. A character the code page lacks becomes "?", as PHP's iconv
// with //TRANSLIT would at worst.
import { decodeCp1251 } from '#core/domain/receipts/url-decoding.ts';

const ENCODE = new Map<string, number>();
const all = decodeCp1251(Uint8Array.from({ length: 256 }, (_, i) => i));
for (let byte = 0; byte < 256; byte++) ENCODE.set(all[byte]!, byte);

const QUESTION_MARK = 0x3f;

export function encodeCp1251(text: string): Uint8Array {
  return Uint8Array.from([...text].map((char) => ENCODE.get(char) ?? QUESTION_MARK));
}
