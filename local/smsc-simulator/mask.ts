// Phone numbers are personal data: logs keep the first 4 and last 2 digits (`+7999*****67`).

export function maskPhone(value: string): string {
  const plus = value.startsWith('+') ? '+' : '';
  const digits = plus ? value.slice(1) : value;
  // Alphanumeric sender ids and short codes identify no one.
  if (!/^\d{7,}$/.test(digits)) return value;
  return `${plus}${digits.slice(0, 4)}${'*'.repeat(digits.length - 6)}${digits.slice(-2)}`;
}
