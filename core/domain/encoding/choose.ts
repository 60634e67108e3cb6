import { EncodingUnavailableError, UnencodableTextError } from './errors.ts';
import { type Measurement, measureGsm7, measureLatin1, measureUcs2 } from './text/measure.ts';
import type { Encoding, EncodingChoice } from './types.ts';

export interface ChooseOptions {
  encoding?: EncodingChoice;
  isoMode?: boolean;
}

/**
 * Picks the encoding and measures the text in it, in one pass when the first candidate fits.
 * 'auto' is GSM 7-bit, else UCS-2 — never Latin-1 outside ISO mode: data_coding 4 is 8-bit data to a GSM
 * network and many handsets do not show it as text. In ISO mode GSM is not expressible: Latin-1, else UCS-2.
 */
export function measureText(text: string, options: ChooseOptions = {}): Measurement {
  const choice = options.encoding ?? 'auto';
  const isoMode = options.isoMode ?? false;
  switch (choice) {
    case 'auto': {
      const measured = isoMode ? measureLatin1(text) : measureGsm7(text);
      return typeof measured === 'number' ? measureUcs2(text) : measured;
    }
    case 'gsm7': {
      if (isoMode) throw new EncodingUnavailableError('gsm7');
      return orThrow(text, measureGsm7(text), 'gsm7');
    }
    case 'latin1':
      return orThrow(text, measureLatin1(text), 'latin1');
    case 'ucs2':
      return measureUcs2(text);
    default:
      // Reachable only from untyped callers; their input should have been validated at the boundary.
      throw new RangeError(`Unknown encoding: ${String(choice satisfies never)}`);
  }
}

function orThrow(text: string, measured: Measurement | number, encoding: Encoding): Measurement {
  if (typeof measured === 'number') throw new UnencodableTextError(text, measured, encoding);
  return measured;
}

/** The encoding encodeMessage would use; throws the same encoding errors (not EmptyTextError). */
export function chooseEncoding(text: string, options: ChooseOptions = {}): Encoding {
  return measureText(text, options).encoding;
}
