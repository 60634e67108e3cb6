import type { Encoding } from '../types.ts';
import { ESC, EXTENDED, GSM7_ENCODE } from './gsm7-alphabet.ts';

// Each writer copies text[start, end) into target from offset. The text was measured first, so every
// character is known to fit the encoding and the target to be exactly large enough.

function writeGsm7(text: string, start: number, end: number, target: Buffer, offset: number): void {
  let at = offset;
  for (let i = start; i < end; i++) {
    const septet = GSM7_ENCODE[text.charCodeAt(i)]!;
    if (septet & EXTENDED) {
      target[at++] = ESC;
      target[at++] = septet & 0x7f;
    } else {
      target[at++] = septet;
    }
  }
}

function writeLatin1(text: string, start: number, end: number, target: Buffer, offset: number): void {
  let at = offset;
  for (let i = start; i < end; i++) target[at++] = text.charCodeAt(i);
}

function writeUcs2(text: string, start: number, end: number, target: Buffer, offset: number): void {
  let at = offset;
  for (let i = start; i < end; i++) {
    const unit = text.charCodeAt(i);
    target[at++] = unit >> 8;
    target[at++] = unit & 0xff;
  }
}

export const WRITERS: Readonly<
  Record<Encoding, (text: string, start: number, end: number, target: Buffer, offset: number) => void>
> = { gsm7: writeGsm7, latin1: writeLatin1, ucs2: writeUcs2 };
