import type { Encoding } from '../types.ts';

/** Octets of the concatenation UDH every part of a long message carries: 05 00 03 ref total index. */
export const CONCAT_UDH_LENGTH = 6;

/**
 * Units per part: 140 octets of user data, less the UDH when concatenated (1120 bits: 160 septets,
 * or 153 after the 48-bit UDH).
 */
export const PART_UNITS: Readonly<
  Record<Encoding, { readonly single: number; readonly concatenated: number }>
> = {
  gsm7: { single: 160, concatenated: 153 },
  latin1: { single: 140, concatenated: 134 },
  ucs2: { single: 70, concatenated: 67 },
};

/** Octets on the wire per unit: GSM is unpacked (one septet per octet), UCS-2 is two octets per unit. */
export const OCTETS_PER_UNIT: Readonly<Record<Encoding, number>> = { gsm7: 1, latin1: 1, ucs2: 2 };
