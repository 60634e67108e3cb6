import { createHash } from 'node:crypto';
import { IDEMPOTENCY_KEY_PATTERN, MAX_IDEMPOTENCY_KEY_LENGTH } from '#core/domain/requests/message-schema.ts';
import { canonicalJson } from '#core/support/canonical-json.ts';
import { ApiProblem } from './problem.ts';

// The Idempotency-Key header (IETF draft-ietf-httpapi-idempotency-key-header): a retry with the same key
// and the same body gets the first answer; the same key with another body is refused (422).

export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Undefined when the header is absent; a 400 problem when present but unusable. */
export function readIdempotencyKey(headers: Headers): string | undefined {
  const value = headers.get(IDEMPOTENCY_HEADER);
  if (value === null) return undefined;
  if (IDEMPOTENCY_KEY_PATTERN.test(value)) return value;
  throw new ApiProblem({
    status: 400,
    code: 'invalid_idempotency_key',
    title: 'The Idempotency-Key header is not valid',
    detail: `Idempotency-Key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters.`,
    errors: [
      {
        code: 'invalid_format',
        path: ['headers', 'Idempotency-Key'],
        message: `Idempotency-Key: must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} printable ASCII characters`,
      },
    ],
  });
}

/**
 * Keys are per caller: two callers choosing the same key must not see each other's answers. The
 * caller's identity is URI-encoded so that no key can be made to look like another caller's.
 */
export function scopedIdempotencyKey(caller: string, key: string): string {
  return `${encodeURIComponent(caller)}/${key}`;
}

/** sha256 of the body as parsed, with object keys sorted: formatting and key order do not matter. */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}
