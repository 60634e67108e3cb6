import { maskPhoneNumber, maskRecipient, NUMBER_MARKS } from '#core/domain/requests/recipient-mask.ts';

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

/**
 * Field names holding free text, which may quote a number (an SDK or validation error message;
 * `description`: a message's stored error, which quotes a refused recipient as it was written).
 */
const FREE_TEXT_FIELDS = new Set(['msg', 'message', 'error', 'reason', 'detail', 'cause', 'description']);

// A phone number inside free text: digits with the separators people write numbers with, those
// core/domain/requests/phone-number.ts accepts (white space, brackets, dots, slashes, hyphens and
// Unicode dashes), at most two of them between digits ("+7 (999) 123-45-67"), a "+" first or none.
// Line breaks do not join: two lines ending and starting with digits are two texts. The digits
// must stand on their own: not glued to a letter or digit, nor to one through a dash, dot or slash,
// which keeps the digits of ids (ULIDs, UUIDs), versions, host names and ISO times as they are.
// A "+" written as its URL escape "%2B" (encodeURIComponent, in keys and query strings) counts as
// a "+": its "B" would otherwise glue the number to it and leave it in clear.
// The marks the API reads in a number (recipient-mask.ts's NUMBER_MARKS) mask alike, the minus sign
// and the zero-width characters a web page carries along included: "+7−916−…" was left in clear.
const SEPARATOR = String.raw`[\t\p{Zs}${NUMBER_MARKS}]`;
const GLUE = String.raw`[\p{L}\p{N}_]`;
const JOINER = String.raw`[./\u2010-\u2015-]`;
const PHONE_LIKE = new RegExp(
  String.raw`(?:(%2[Bb])|(?<!${GLUE})(?<!${GLUE}${JOINER})(?:(\+)${SEPARATOR}{0,2})?)\d(?:${SEPARATOR}{0,2}\d)*(?!${JOINER}?${GLUE})`,
  'gu',
);
/** Fewer digits are no phone number; E.164 has 15 at most (more, written with a "+", still are). */
const PHONE_DIGITS = { min: 7, max: 15 };
/** Digits with a unit after them are a quantity (`1234567 ms`, `+1500.250 s`), not a number to call. */
const UNIT_AFTER = /^[\t\p{Zs}]?(?:[mµn]?s|min|h|bytes|[KMG]i?B|B)\b/u;
const YEAR = String.raw`(?:19|20)\d\d`;
const MONTH = '(?:0?[1-9]|1[0-2])';
const DAY = String.raw`(?:0?[1-9]|[12]\d|3[01])`;
/**
 * What digits without "+" may hold that is no number: a date (2025-01-31, 31.01.2025) anywhere in
 * them ("12:00:00 (31.01.2025" is one sequence), or an IPv4 address as a whole.
 */
const NOT_A_NUMBER = [
  new RegExp(String.raw`(?<!\d)${YEAR}([-./])${MONTH}\1${DAY}(?!\d)`),
  new RegExp(String.raw`(?<!\d)${DAY}([-./])${MONTH}\1${YEAR}(?!\d)`),
  /^\d{1,3}(?:\.\d{1,3}){3}$/,
];
/** A plain digit run as long as a phone number: masked even inside text that is no number as a whole. */
const DIGIT_RUN = /(?<!\d)\d{7,15}(?!\d)/g;

/** `short_message`, `Short-Message` and `shortMessage` are the same field to the rules. */
function normalised(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/**
 * A string that may contain a phone number, with every such number masked the way a recipient
 * field is ("+7 999 123-45-67" and "79991234567" both become "+7999*****67"). Separators are
 * dropped with the digits they stood between, so one number reads the same in every line.
 */
export function scrub(text: string): string {
  return text.replace(
    PHONE_LIKE,
    (match: string, escaped: string | undefined, sign: string | undefined, offset: number) => {
      const plus = escaped ?? sign;
      // The escape's own "2" is no digit of the number.
      const digits = match.slice(escaped?.length ?? 0).replace(/\D/g, '');
      if (digits.length < PHONE_DIGITS.min) return match;
      if (UNIT_AFTER.test(text.slice(offset + match.length))) return match;
      // Without its "+", a digit sequence may be a date, an address or a list of counts: only the
      // phone-sized plain runs inside it are masked then, as a number written without separators.
      if (!plus && (digits.length > PHONE_DIGITS.max || NOT_A_NUMBER.some((shape) => shape.test(match)))) {
        return match.replace(DIGIT_RUN, (run) => maskPhoneNumber(`+${run}`));
      }
      return maskPhoneNumber(`+${digits}`);
    },
  );
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
