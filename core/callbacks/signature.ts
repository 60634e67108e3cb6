import { createHmac, timingSafeEqual } from 'node:crypto';

// Callback signatures: `X-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the
// timestamp (Unix seconds) in `X-Signature-Timestamp`. Signing the timestamp with the body lets a
// receiver refuse replays of an old, validly signed request by checking the time.

export const SIGNATURE_HEADER = 'x-signature';
export const TIMESTAMP_HEADER = 'x-signature-timestamp';

export function signPayload(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface VerifyOptions {
  /** Largest accepted age (and clock skew) of the timestamp; default 300 s. */
  toleranceSeconds?: number;
  now?: () => Date;
}

/** What a callback receiver runs; exported for tests and as the reference for client code. */
export function verifySignature(
  secret: string,
  headers: { signature: string | undefined; timestamp: string | undefined },
  body: string,
  options: VerifyOptions = {},
): boolean {
  const { signature, timestamp } = headers;
  if (signature === undefined || timestamp === undefined || !/^\d+$/.test(timestamp)) return false;
  const nowSeconds = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signPayload(secret, timestamp, body));
  const given = Buffer.from(signature);
  // Constant time: a byte-by-byte comparison would leak how much of a forged signature was right.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
