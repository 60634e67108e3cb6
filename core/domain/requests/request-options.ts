import type { EncodingChoice } from '#core/domain/encoding/index.ts';

// A request's fixed choices and the Idempotency-Key rule, apart from message-schema.ts so that the
// typed client and the CLI can use them without loading zod and the phone-number metadata (about
// 0.5 s of every `smsc-sender` command's start, and the bulk of a bundle that uses the client).

export const PRIORITIES = ['urgent', 'bulk'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const ENCODING_CHOICES = ['auto', 'gsm7', 'latin1', 'ucs2', 'binary'] as const satisfies readonly (
  | EncodingChoice
  | 'binary'
)[];
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
/**
 * An Idempotency-Key header: printable ASCII, spaces included, what a header can carry without
 * encoding questions (the API refuses anything else; the typed client refuses it before sending).
 */
export const IDEMPOTENCY_KEY_PATTERN = new RegExp(`^[\\x20-\\x7E]{1,${MAX_IDEMPOTENCY_KEY_LENGTH}}$`);
