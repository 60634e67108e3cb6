import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from '#core/callbacks/signature.ts';

const SECRET = 'local-callback-secret-0123456789';
const NOW = new Date('2025-01-01T00:00:00.000Z');
const TIMESTAMP = String(NOW.getTime() / 1000);
const BODY = '{"id":"01JZ0000000000000000000001","status":"delivered"}';

describe('callback signatures', () => {
  it('when a payload is signed, then the signature is the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
    // Prepare
    const expected = createHmac('sha256', SECRET).update(`${TIMESTAMP}.${BODY}`).digest('hex');
    // Act
    const signature = signPayload(SECRET, TIMESTAMP, BODY);
    // Assess
    expect(signature).toBe(`sha256=${expected}`);
  });

  it('when the body, the timestamp or the secret differ, then verification fails', () => {
    // Prepare
    const signature = signPayload(SECRET, TIMESTAMP, BODY);
    const now = () => NOW;
    // Act
    const results = {
      untouched: verifySignature(SECRET, { signature, timestamp: TIMESTAMP }, BODY, { now }),
      otherBody: verifySignature(SECRET, { signature, timestamp: TIMESTAMP }, `${BODY} `, { now }),
      otherTimestamp: verifySignature(SECRET, { signature, timestamp: String(Number(TIMESTAMP) + 1) }, BODY, {
        now,
      }),
      otherSecret: verifySignature(`${SECRET}x`, { signature, timestamp: TIMESTAMP }, BODY, { now }),
      missing: verifySignature(SECRET, { signature: undefined, timestamp: TIMESTAMP }, BODY, { now }),
    };
    // Assess
    expect(results).toEqual({
      untouched: true,
      otherBody: false,
      otherTimestamp: false,
      otherSecret: false,
      missing: false,
    });
  });

  it('when the timestamp is older than the tolerance, then a correctly signed request is refused', () => {
    // Prepare
    const signature = signPayload(SECRET, TIMESTAMP, BODY);
    const later = () => new Date(NOW.getTime() + 301_000);
    // Act
    const accepted = verifySignature(SECRET, { signature, timestamp: TIMESTAMP }, BODY, { now: later });
    // Assess
    expect(accepted).toBe(false);
  });
});
