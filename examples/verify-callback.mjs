// @ts-check
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `rawBody` (the request body exactly as received, before any JSON parsing) was signed
 * with `secret` at most `toleranceSeconds` ago.
 * @param {string} secret @param {Record<string, unknown>} headers @param {string} rawBody
 */
export function verifyCallback(secret, headers, rawBody, toleranceSeconds = 300) {
  const timestamp = String(headers['x-signature-timestamp'] ?? '');
  const signature = Buffer.from(String(headers['x-signature'] ?? ''));
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds)
    return false;
  const hmac = createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
  const expected = Buffer.from(`sha256=${hmac}`);
  return signature.length === expected.length && timingSafeEqual(signature, expected);
}
