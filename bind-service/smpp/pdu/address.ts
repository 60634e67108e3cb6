// SMPP address fields. Senders follow the provider's example configuration, which is Kannel's
// (source-addr-autodetect = yes, source-addr-ton = 5, source-addr-npi = 1): with autodetect, "+" and
// digits go as TON 1 (the "+" removed) with the configured NPI, a sender with any non-digit as
// TON 5 / NPI 0, plain digits keep the configured TON/NPI. Pure, so the dispatcher can decide
// before claiming.
import { InvalidAddressError } from '../errors.ts';

export interface SmppAddress {
  addr: string;
  ton: number;
  npi: number;
}

/** Kannel's source-addr-autodetect, source-addr-ton and source-addr-npi. */
export interface SourceAddressRules {
  autodetect: boolean;
  ton: number;
  npi: number;
}

export interface AddressOverrides {
  /** TON/NPI for all destinations. */
  international?: { ton: number; npi: number };
}

const TON_UNKNOWN = 0;
const TON_INTERNATIONAL = 1;
const TON_ALPHANUMERIC = 5;
const NPI_UNKNOWN = 0;
const NPI_ISDN = 1;

/** The provider's example: autodetect on, TON 5, NPI 1. */
export const PROVIDER_SOURCE_RULES: SourceAddressRules = { autodetect: true, ton: 5, npi: 1 };

const international = /^\+\d+$/;
const digits = /^\d+$/;

export function addressFor(sender: string, rules: SourceAddressRules = PROVIDER_SOURCE_RULES): SmppAddress {
  const trimmed = sender.trim();
  // No sender: the SMSC puts the account's default one; "unknown" claims nothing about it.
  if (trimmed === '') return { addr: '', ton: TON_UNKNOWN, npi: NPI_UNKNOWN };
  if (!rules.autodetect) return { addr: trimmed, ton: rules.ton, npi: rules.npi };
  if (international.test(trimmed)) return { addr: trimmed.slice(1), ton: TON_INTERNATIONAL, npi: rules.npi };
  if (digits.test(trimmed)) return { addr: trimmed, ton: rules.ton, npi: rules.npi };
  return { addr: trimmed, ton: TON_ALPHANUMERIC, npi: NPI_UNKNOWN };
}

/** E.164 recipient ('+79991234567' or '79991234567') → TON 1 / NPI 1, digits only. */
export function destinationAddress(e164: string, overrides: AddressOverrides = {}): SmppAddress {
  const number = e164.trim().replace(/^\+/, '');
  if (!/^\d{1,20}$/.test(number)) {
    throw new InvalidAddressError(`destination must be an E.164 number, got '${e164}'`, ['destination']);
  }
  const { ton, npi } = overrides.international ?? { ton: TON_INTERNATIONAL, npi: NPI_ISDN };
  return { addr: number, ton, npi };
}
