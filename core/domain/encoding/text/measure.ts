import { PART_UNITS } from '../parts/part-sizes.ts';
import type { Encoding } from '../types.ts';
import { EXTENDED, GSM7_ENCODE } from './gsm7-alphabet.ts';

/**
 * A text's length in one encoding and where it would be cut if concatenated. The cuts are kept even
 * when the text fits one part (only a few numbers) so a single pass serves both cases.
 */
export interface Measurement {
  readonly encoding: Encoding;
  readonly units: number;
  /** Exclusive UTF-16 end index of each concatenated part; the last is text.length. */
  readonly concatEnds: readonly number[];
  /** Units in each concatenated part: at most the capacity, one less when a pair would straddle the cut. */
  readonly concatUnits: readonly number[];
}

export function partCount(measurement: Measurement): number {
  return measurement.units <= PART_UNITS[measurement.encoding].single ? 1 : measurement.concatEnds.length;
}

/** The measurement, or the index of the first character outside the GSM 03.38 alphabet. */
export function measureGsm7(text: string): Measurement | number {
  const capacity = PART_UNITS.gsm7.concatenated;
  const concatEnds: number[] = [];
  const concatUnits: number[] = [];
  let units = 0;
  let fill = 0;
  for (let i = 0; i < text.length; i++) {
    const septet = GSM7_ENCODE[text.charCodeAt(i)]!;
    if (septet < 0) return i;
    // ESC and its character stay in one part: a receiver cannot join an escape split across parts.
    const cost = septet & EXTENDED ? 2 : 1;
    if (fill + cost > capacity) {
      concatEnds.push(i);
      concatUnits.push(fill);
      fill = 0;
    }
    fill += cost;
    units += cost;
  }
  concatEnds.push(text.length);
  concatUnits.push(fill);
  return { encoding: 'gsm7', units, concatEnds, concatUnits };
}

/** The measurement, or the index of the first character above U+00FF. */
export function measureLatin1(text: string): Measurement | number {
  const length = text.length;
  for (let i = 0; i < length; i++) {
    if (text.charCodeAt(i) > 0xff) return i;
  }
  const capacity = PART_UNITS.latin1.concatenated;
  const concatEnds: number[] = [];
  const concatUnits: number[] = [];
  for (let end = capacity; end < length; end += capacity) {
    concatEnds.push(end);
    concatUnits.push(capacity);
  }
  concatEnds.push(length);
  concatUnits.push(length - (concatEnds.length - 1) * capacity);
  return { encoding: 'latin1', units: length, concatEnds, concatUnits };
}

/** UTF-16 holds every string, so this never fails; a lone surrogate is sent as the unit it is. */
export function measureUcs2(text: string): Measurement {
  const length = text.length;
  const { single, concatenated: capacity } = PART_UNITS.ucs2;
  if (length <= single) {
    return { encoding: 'ucs2', units: length, concatEnds: [length], concatUnits: [length] };
  }
  const concatEnds: number[] = [];
  const concatUnits: number[] = [];
  let fill = 0;
  for (let i = 0; i < length; i++) {
    const unit = text.charCodeAt(i);
    // A surrogate pair stays in one part: half an emoji on each side would render as two garbage marks.
    let cost = 1;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) cost = 2;
    }
    if (fill + cost > capacity) {
      concatEnds.push(i);
      concatUnits.push(fill);
      fill = 0;
    }
    fill += cost;
    i += cost - 1;
  }
  concatEnds.push(length);
  concatUnits.push(fill);
  return { encoding: 'ucs2', units: length, concatEnds, concatUnits };
}
