import { maskEmailAddress } from '#core/domain/requests/email-address.ts';

// How a recipient may appear in logs, apart from phone-number.ts: that module loads libphonenumber's
// `max` metadata (about 150 ms at import), which every logger and the CLI would otherwise load only
// to mask a number.

// The separators people write phone numbers with; core/domain/requests/phone-number.ts reads them.
// They include what a number copied from a web page, a document or a contact card carries:
// any white space (no-break, narrow no-break and thin spaces, tabs), the Unicode hyphens and dashes,
// the minus sign (U+2212, a word processor's) and the invisible zero-width space and joiners.
// The log scrub (core/observability/redaction.ts) masks numbers written with the same marks: one
// list, so a separator the API reads cannot be missed by the scrub. Inside a character class, with
// the hyphen last.
export const NUMBER_MARKS = String.raw`()./\u2010-\u2015\u2212\u200b-\u200d\u2060-`;
/** Every separator of a written number, to strip them (global: for replace only). */
export const NUMBER_SEPARATORS = new RegExp(String.raw`[\s${NUMBER_MARKS}]`, 'g');

/** A recipient as it may appear in logs. */
export function maskRecipient(to: string): string {
  return to.includes('@') ? maskEmailAddress(to) : maskPhoneNumber(to);
}

/**
 * For logs: "+" and the digits as maskDigits shows them: "+7999*****67", "+6907***". A refused
 * recipient is kept as written: its separators go first, or they would take the place of hidden
 * digits ("+690 7290" would show 6 of its 7).
 */
export function maskPhoneNumber(e164: string): string {
  return `+${maskDigits(e164.replace(/^\+/, '').replace(NUMBER_SEPARATORS, ''))}`;
}

/** Digits a masked number shows at most: the first 4 (country and operator code) and the last 2. */
const LEADING_SHOWN = 4;
const TRAILING_SHOWN = 2;
/**
 * Digits a masked number hides at least: 3 leave 1,000 candidates. Showing 4 + 2 digits always
 * hid 1 or 2 digits of the 7- and 8-digit numbers of small numbering plans (+690 Tokelau, +500
 * Falklands), which is no mask at all.
 */
const HIDDEN_AT_LEAST = 3;

/**
 * A phone number's digits (no "+") as logs may show them; the one masking rule of every log. 9
 * digits and more: the first 4 and last 2 show ("7999*****67"). 7 or 8 digits: the first 4 only
 * ("6907***"); the last 2 go first, as they single a subscriber out where the first are the
 * country's and operator's. 6 digits or fewer: all hidden.
 */
export function maskDigits(digits: string): string {
  if (digits.length < LEADING_SHOWN + HIDDEN_AT_LEAST) return '*'.repeat(digits.length);
  const trailing = digits.length >= LEADING_SHOWN + HIDDEN_AT_LEAST + TRAILING_SHOWN ? TRAILING_SHOWN : 0;
  const hidden = digits.length - LEADING_SHOWN - trailing;
  return `${digits.slice(0, LEADING_SHOWN)}${'*'.repeat(hidden)}${digits.slice(LEADING_SHOWN + hidden)}`;
}
