import { apiUrlOf, withoutUserInfo } from '#client/client.ts';
import { UsageError } from './context.ts';

// Option values checked while commander parses them: a value out of range is a usage error naming
// the option (exit 2) before anything runs, never a NaN or a bad address the command would run with.

/** A parser for an option that takes a whole number of at least `min`. */
export function wholeNumberOption(option: string, min: number): (value: string) => number {
  return (value) => {
    const number = Number(value);
    // Number('') and Number(' ') are 0: an empty value is no number either.
    if (value.trim() === '' || !Number.isSafeInteger(number) || number < min) {
      throw new UsageError(`${option} must be a whole number >= ${min} (got "${value}")`);
    }
    return number;
  };
}

/**
 * `--endpoint` (or SMSC_ENDPOINT): an http: or https: URL with a host. The local stack's address
 * typed without its scheme reads as a URL all the same ("localhost:3000" is scheme "localhost:"),
 * or as none ("127.0.0.1:3000"), and ended in an error about AWS regions or "Invalid URL". Whatever
 * precedes an "@" is not echoed: it may be a password.
 */
export function endpointOption(value: string): string {
  if (!apiUrlOf(value)) {
    throw new UsageError(
      `--endpoint (or SMSC_ENDPOINT) must be the API's http:// or https:// URL, e.g. http://localhost:3000 ` +
        `or a deployed stack's https://….execute-api.….amazonaws.com/prod (got "${withoutUserInfo(value)}")`,
    );
  }
  return value;
}

/**
 * `--idempotency-key`: a key given empty (an unset shell variable, `--idempotency-key "$KEY"`) is
 * refused, not replaced by a random one: the caller meant a key of their own, and a resend under
 * a new key may send the message twice.
 */
export function idempotencyKeyOption(value: string): string {
  if (value.trim() === '') {
    throw new UsageError(
      '--idempotency-key is empty: give the key, or leave the option out for a new random one',
    );
  }
  return value;
}
