// SMPP address fields for the provider: alphanumeric sender ids go as TON 5, numbers as
// international (TON 1 / NPI 1) without the '+'. Pure, so the dispatcher can decide before claiming.
import { InvalidAddressError } from '../errors.ts';

export interface SmppAddress {
  addr: string;
  ton: number;
  npi: number;
}

export interface AddressOverrides {
  /** TON/NPI for alphanumeric senders; the provider's example uses NPI 1, the SMPP norm NPI 0. */
  alphanumeric?: { ton: number; npi: number };
  /** TON/NPI for numeric senders and all destinations. */
  international?: { ton: number; npi: number };
}

const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
const NPI_UNKNOWN = 0;
const NPI_ISDN = 1;

const numeric = /^\+?\d+$/;

export function addressFor(sender: string, overrides: AddressOverrides = {}): SmppAddress {
  const trimmed = sender.trim();
  if (numeric.test(trimmed)) {
    const { ton, npi } = overrides.international ?? { ton: TON_INTERNATIONAL, npi: NPI_ISDN };
    return { addr: trimmed.replace(/^\+/, ''), ton, npi };
  }
  const { ton, npi } = overrides.alphanumeric ?? { ton: TON_ALPHANUMERIC, npi: NPI_UNKNOWN };
  return { addr: trimmed, ton, npi };
}

/** E.164 recipient ('+79991234567' or '79991234567') → TON 1 / NPI 1, digits only. */
export function destinationAddress(e164: string, overrides: AddressOverrides = {}): SmppAddress {
  const digits = e164.trim().replace(/^\+/, '');
  if (!/^\d{1,20}$/.test(digits)) {
    throw new InvalidAddressError(`destination must be an E.164 number, got '${e164}'`, ['destination']);
  }
  const { ton, npi } = overrides.international ?? { ton: TON_INTERNATIONAL, npi: NPI_ISDN };
  return { addr: digits, ton, npi };
}
