// 8-bit binary messages (provider: coding 1, data_coding 4, "for Latin text or binary data"): the
// caller gives the payload and optionally its own user data header (ports, WAP push) in hex. Every
// part is one SMS: 140 octets of user data holding the header and the payload's share. A long payload
// is concatenated: each part carries the caller's elements plus our concatenation element.
import { DomainError } from '#core/domain/errors.ts';
import { takeReference } from './encode.ts';
import { TooManyPartsError } from './errors.ts';
import { UDHI } from './parts/udh.ts';

export const BINARY_DATA_CODING = 0x04;
const USER_DATA_OCTETS = 140;
/** 00 03 ref total index. */
const CONCAT_IE_OCTETS = 5;
const CONCAT_IES: ReadonlySet<number> = new Set([0x00, 0x08]);
const HEX = /^(?:[0-9A-Fa-f]{2})+$/;

export class InvalidBinaryError extends DomainError {
  readonly code = 'invalid_binary';
}

export interface BinaryContent {
  payload: Buffer;
  /** The caller's whole UDH, its length octet first; empty without one. */
  udh: Buffer;
}

export interface BinaryPlan {
  parts: number;
  /** Payload octets. */
  units: number;
}

export function parseBinary(payloadHex: string, udhHex?: string): BinaryContent {
  if (!HEX.test(payloadHex)) {
    throw new InvalidBinaryError('A binary payload is hex: pairs of 0-9 / A-F, at least one octet', ['text']);
  }
  const payload = Buffer.from(payloadHex, 'hex');
  if (udhHex === undefined) return { payload, udh: Buffer.alloc(0) };
  if (!HEX.test(udhHex)) throw new InvalidBinaryError('The UDH is hex: pairs of 0-9 / A-F', ['udh']);
  const udh = Buffer.from(udhHex, 'hex');
  checkUdh(udh);
  return { payload, udh };
}

/** Length octet first, then whole information elements; concatenation is ours to add. */
function checkUdh(udh: Buffer): void {
  const fail = (problem: string) => new InvalidBinaryError(`Malformed UDH: ${problem}`, ['udh']);
  if (udh[0] !== udh.length - 1) {
    throw fail(`its first octet (UDHL) must be ${udh.length - 1}, the octets that follow it`);
  }
  if (udh.length < 3) throw fail('it holds no information element');
  for (let at = 1; at < udh.length; ) {
    const id = udh[at]!;
    const length = udh[at + 1];
    if (length === undefined || at + 2 + length > udh.length) throw fail(`element 0x${hex(id)} overruns it`);
    if (CONCAT_IES.has(id)) throw fail('concatenation elements are added by the sender, leave them out');
    at += 2 + length;
  }
  if (udh.length + CONCAT_IE_OCTETS >= USER_DATA_OCTETS) {
    throw fail(`${udh.length} octets leave no room for data in a ${USER_DATA_OCTETS}-octet SMS`);
  }
}

function hex(value: number): string {
  return value.toString(16).padStart(2, '0');
}

/** Header octets of each part of a concatenated message: UDHL, the caller's elements, ours. */
function concatHeaderOctets(udh: Buffer): number {
  return 1 + Math.max(0, udh.length - 1) + CONCAT_IE_OCTETS;
}

export function planBinary(content: BinaryContent, maxParts: number): BinaryPlan {
  const { payload, udh } = content;
  const units = payload.length;
  if (udh.length + units <= USER_DATA_OCTETS) return { parts: 1, units };
  const parts = Math.ceil(units / (USER_DATA_OCTETS - concatHeaderOctets(udh)));
  if (parts > maxParts) throw new TooManyPartsError(parts, maxParts);
  return { parts, units };
}

export interface EncodedBinary {
  dataCoding: number;
  esmClass: number;
  /** Complete short_messages: UDH (when any) and payload octets. */
  parts: Buffer[];
}

export function encodeBinary(content: BinaryContent, maxParts: number, reference?: number): EncodedBinary {
  const { payload, udh } = content;
  const { parts: total } = planBinary(content, maxParts);
  const esmClass = udh.length > 0 || total > 1 ? UDHI : 0;
  if (total === 1)
    return { dataCoding: BINARY_DATA_CODING, esmClass, parts: [Buffer.concat([udh, payload])] };
  const ref = reference ?? takeReference();
  const header = concatHeaderOctets(udh);
  const capacity = USER_DATA_OCTETS - header;
  const userIes = udh.subarray(1);
  const parts = Array.from({ length: total }, (_, index) =>
    Buffer.concat([
      Buffer.from([header - 1]),
      userIes,
      Buffer.from([0x00, 0x03, ref, total, index + 1]),
      payload.subarray(index * capacity, (index + 1) * capacity),
    ]),
  );
  return { dataCoding: BINARY_DATA_CODING, esmClass, parts };
}
