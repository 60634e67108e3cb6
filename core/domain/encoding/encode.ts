import { measureText } from './choose.ts';
import { EmptyTextError, TooManyPartsError } from './errors.ts';
import { CONCAT_UDH_LENGTH, OCTETS_PER_UNIT } from './parts/part-sizes.ts';
import { UDHI, writeConcatUdh } from './parts/udh.ts';
import { dataCodingFor } from './text/data-coding.ts';
import { type Measurement, partCount } from './text/measure.ts';
import { WRITERS } from './text/write.ts';
import type { EncodedMessage, EncodeOptions, MessagePlan } from './types.ts';

export const DEFAULT_MAX_PARTS = 10;
/** The UDH counts parts in one octet. */
export const MAX_PARTS_LIMIT = 255;

// Started at random so that a restarted process does not reuse the references of the messages it sent
// just before, which a handset could still be reassembling.
let nextReference = Math.floor(Math.random() * 256);

interface Planned {
  measurement: Measurement;
  plan: MessagePlan;
}

function planned(text: string, options: EncodeOptions): Planned {
  const maxParts = options.maxParts ?? DEFAULT_MAX_PARTS;
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > MAX_PARTS_LIMIT) {
    throw new RangeError(`maxParts must be an integer from 1 to ${MAX_PARTS_LIMIT}, got ${maxParts}`);
  }
  const reference = options.reference;
  if (reference !== undefined && (!Number.isInteger(reference) || reference < 0 || reference > 0xff)) {
    throw new RangeError(`reference must be an integer from 0 to 255, got ${reference}`);
  }
  if (text.length === 0) throw new EmptyTextError();
  const measurement = measureText(text, options);
  const parts = partCount(measurement);
  if (parts > maxParts) throw new TooManyPartsError(parts, maxParts);
  const { encoding, units } = measurement;
  const dataCoding = dataCodingFor(encoding, { isoMode: options.isoMode, flash: options.flash });
  return { measurement, plan: { encoding, dataCoding, parts, units } };
}

/** What encodeMessage would produce, without building any buffer. Throws the same errors. */
export function planMessage(text: string, options: EncodeOptions = {}): MessagePlan {
  return planned(text, options).plan;
}

export function encodeMessage(text: string, options: EncodeOptions = {}): EncodedMessage {
  const { measurement, plan } = planned(text, options);
  const { encoding, dataCoding, parts: total, units } = plan;
  const write = WRITERS[encoding];
  const octetsPerUnit = OCTETS_PER_UNIT[encoding];

  if (total === 1) {
    const part = Buffer.allocUnsafe(units * octetsPerUnit);
    write(text, 0, text.length, part, 0);
    return { encoding, dataCoding, esmClass: 0, parts: [part], units };
  }

  // Only long messages take a reference, so single parts do not advance the counter.
  const reference = options.reference ?? takeReference();
  const parts: Buffer[] = new Array(total);
  let start = 0;
  for (let index = 0; index < total; index++) {
    const end = measurement.concatEnds[index]!;
    const part = Buffer.allocUnsafe(CONCAT_UDH_LENGTH + measurement.concatUnits[index]! * octetsPerUnit);
    writeConcatUdh(part, reference, total, index + 1);
    write(text, start, end, part, CONCAT_UDH_LENGTH);
    parts[index] = part;
    start = end;
  }
  return { encoding, dataCoding, esmClass: UDHI, parts, units };
}

/** The next concatenation reference (a rolling counter shared by every long message). */
export function takeReference(): number {
  const reference = nextReference;
  nextReference = (nextReference + 1) & 0xff;
  return reference;
}
