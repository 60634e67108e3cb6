import { maskDigits } from '#core/domain/requests/recipient-mask.ts';

// Phone numbers are personal data: the simulator's log masks them by the rule every log of the
// project uses (maskDigits: `+7999*****67`), with or without their "+" as the PDU carried them.

export function maskPhone(value: string): string {
  const plus = value.startsWith('+') ? '+' : '';
  const digits = plus ? value.slice(1) : value;
  // Alphanumeric sender ids and short codes identify no one.
  if (!/^\d{7,}$/.test(digits)) return value;
  return `${plus}${maskDigits(digits)}`;
}
