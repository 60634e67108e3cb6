import { maskRecipient } from '#core/domain/requests/recipient.ts';

// What may leave the process in a log line. The rules go by field name, at every depth of a line,
// whatever the caller passed: recipients are masked, message content and credentials are dropped,
// and free text (error messages, reasons) has phone-like digit runs masked.

/** Field names whose value is a phone number or e-mail address (`addr`: an SMPP address). */
const RECIPIENT_FIELDS = new Set(['to', 'from', 'recipient', 'source', 'destination', 'phone', 'addr']);

/** Field names that may carry message content or secrets: never logged, whatever their value. */
const SECRET_FIELDS = new Set(
  [
    'text',
    'body',
    'shortMessage',
    'messagePayload',
    'comment',
    'password',
    'secret',
    'secretString',
    'signingSecret',
    'credentials',
    'authorization',
    'token',
  ].map(normalised),
);

/** Field names holding free text, which may quote a number (an SDK or validation error message). */
const FREE_TEXT_FIELDS = new Set(['msg', 'message', 'error', 'reason', 'detail', 'cause']);

// Digit runs that look like a phone number inside free text.
const PHONE_LIKE = /\+?\d{7,15}/g;

/** `short_message`, `Short-Message` and `shortMessage` are the same field to the rules. */
function normalised(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** A string that may contain a phone number, with every such number masked. */
export function scrub(text: string): string {
  return text.replace(PHONE_LIKE, (match) => maskRecipient(match.startsWith('+') ? match : `+${match}`));
}

/**
 * A field's value as it may be written; undefined drops the field. Called for every key of a line,
 * nested ones included (it is the JSON replacer of the line).
 */
export function redactField(key: string, value: unknown): unknown {
  if (SECRET_FIELDS.has(normalised(key))) return undefined;
  if (typeof value !== 'string') return value;
  if (RECIPIENT_FIELDS.has(key)) return maskRecipient(value);
  if (FREE_TEXT_FIELDS.has(key)) return scrub(value);
  return value;
}

/**
 * An error as it may be written: its name, its message with numbers masked and its code. Not the
 * stack (its first line repeats the message) nor other properties (they may hold request data).
 */
export function describeError(error: Error): Record<string, unknown> {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: scrub(error.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
  };
}
