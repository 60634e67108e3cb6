// SUBMIT_SM validity_period in the SMPP relative time format "YYMMDDhhmmsstnnR" (SMPP 3.4 §7.1.1):
// relative to the SMSC's own clock, so our clock's skew cannot shorten or stretch it.

/** Days fit in two digits; our product limit (MAX_VALIDITY_MINUTES, 3 days) is far below. */
const MAX_DAYS = 99;

const two = (value: number) => String(value).padStart(2, '0');

/** 1440 → '000001000000000R' (one day); 90 → '000000013000000R'. */
export function relativeValidity(minutes: number): string {
  if (!Number.isInteger(minutes) || minutes < 1) {
    throw new RangeError(`validity must be a whole number of minutes >= 1, got ${minutes}`);
  }
  return relativeValiditySeconds(minutes * 60);
}

/** 600 → '000000001000000R' (ten minutes); 90 → '000000000130000R'. */
export function relativeValiditySeconds(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new RangeError(`validity must be a whole number of seconds >= 1, got ${seconds}`);
  }
  const days = Math.floor(seconds / 86_400);
  if (days > MAX_DAYS) throw new RangeError(`validity of ${seconds} seconds exceeds ${MAX_DAYS} days`);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return `0000${two(days)}${two(hours)}${two(minutes)}${two(seconds % 60)}000R`;
}
