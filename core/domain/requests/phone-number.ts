import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { DomainError } from '#core/domain/errors.ts';
import { NUMBER_MARKS, NUMBER_SEPARATORS } from '#core/domain/requests/recipient-mask.ts';

// Recipients go to the SMSC as destination TON 1 / NPI 1 (international), so a number must carry its
// country code, written with its "+": "+79991234567", with spaces, dashes, dots and parentheses as
// people write them. Digits without the "+" are refused, not read as international: "2015550123"
// (a US number written nationally) is also a valid Egyptian number once a "+" is put in front, and
// a wrong guess texts a stranger. National forms ("89991234567", "0049...") are refused likewise.
// The `max` metadata is needed for getType() (mobile vs fixed line).

const ALLOWED_CHARACTERS = new RegExp(String.raw`^\+[0-9\s${NUMBER_MARKS}]+$`);
const NOT_ALLOWED_AFTER_PLUS = new RegExp(String.raw`[^0-9\s${NUMBER_MARKS}]`, 'u');
const MAX_INPUT_LENGTH = 32;
/**
 * Numbers whose parse is kept. A message's recipient is parsed by its validation and again by its
 * preparation, in the API and again in the bind-service, and the `max` metadata's getType() is
 * costly: in a profile of bench part (a) the parses were 2.6% of the bind-service's busy time and
 * 8% of what it allocated. About 150 KB at most.
 */
const PARSED_NUMBERS_KEPT = 1_000;

export type PhoneNumberType = 'MOBILE' | 'FIXED_LINE_OR_MOBILE' | 'FIXED_LINE' | 'OTHER';

export class InvalidPhoneNumberError extends DomainError {
  readonly code = 'invalid_phone_number';

  /**
   * Without a fault, the number lacks its + or its form. `countryCode`: it had both, but is no number
   * of that country (or none is known). `character`: it had its +, and holds a character no number
   * holds (the fault to name: asking for the + it has sent people looking for the wrong one).
   */
  constructor(
    input: string,
    path: readonly (string | number)[] = ['to'],
    fault?: { countryCode: string | null } | { character: string; position: number },
  ) {
    const fix =
      fault === undefined
        ? 'write it in international format with its + (e.g. +79991234567)'
        : 'character' in fault
          ? `it holds ${JSON.stringify(fault.character)} (character ${fault.position}), which no phone number holds`
          : fault.countryCode === null
            ? 'no country uses the code it starts with: check its digits'
            : `not a number of country +${fault.countryCode}: check its digits`;
    super(`${JSON.stringify(input)} is not a valid phone number: ${fix}`, path);
  }
}

export class NotMobileNumberError extends DomainError {
  readonly code = 'not_mobile_number';

  constructor(e164: string, type: PhoneNumberType, path: readonly (string | number)[] = ['to']) {
    const what = type === 'FIXED_LINE' ? 'a fixed-line number' : 'not a mobile number';
    super(`${e164} is ${what}: this message kind needs a mobile number`, path);
  }
}

export interface ParsedPhoneNumber {
  e164: string;
  type: PhoneNumberType;
}

/**
 * The first character no number holds, in a number written with its + (counted from 1 in the input
 * as given, blanks around it included, as the message quotes it).
 */
function characterFault(input: string): { character: string; position: number } | undefined {
  if (input.trim().length > MAX_INPUT_LENGTH) return undefined;
  const characters = [...input];
  const isBlank = (character: string) => character.trim() === '';
  const first = characters.findIndex((character) => !isBlank(character));
  if (first === -1 || characters[first] !== '+') return undefined;
  const end = characters.length - [...characters].reverse().findIndex((character) => !isBlank(character));
  for (let at = first + 1; at < end; at++) {
    const character = characters[at] ?? '';
    if (NOT_ALLOWED_AFTER_PLUS.test(character)) return { character, position: at + 1 };
  }
  return undefined;
}

/** Validates and normalises to E.164, whatever the number's type. */
export function parsePhoneNumber(
  input: string,
  path: readonly (string | number)[] = ['to'],
): ParsedPhoneNumber {
  const trimmed = input.trim();
  // libphonenumber would read letters as a keypad ("+7 999 FLOWERS"); we want digits only.
  if (trimmed.length > MAX_INPUT_LENGTH || !ALLOWED_CHARACTERS.test(trimmed)) {
    throw new InvalidPhoneNumberError(input, path, characterFault(input));
  }
  const digits = trimmed.replace(NUMBER_SEPARATORS, '');
  const parsed = parseDigitsOnce(digits);
  if (!parsed) throw new InvalidPhoneNumberError(input, path, { countryCode: countryCodeOf(digits) });
  return { ...parsed };
}

/** The country calling code `digits` (with their +) start with; null when none is known. */
function countryCodeOf(digits: string): string | null {
  return parsePhoneNumberFromString(digits)?.countryCallingCode ?? null;
}

/** Digits (with their "+") → their parse; undefined: not a valid number. Oldest forgotten first. */
const parsedNumbers = new Map<string, ParsedPhoneNumber | undefined>();

function parseDigitsOnce(digits: string): ParsedPhoneNumber | undefined {
  if (parsedNumbers.has(digits)) return parsedNumbers.get(digits);
  const found = parsePhoneNumberFromString(digits);
  const parsed = found?.isValid()
    ? { e164: found.number, type: toPhoneNumberType(found.getType()) }
    : undefined;
  if (parsedNumbers.size >= PARSED_NUMBERS_KEPT) {
    const oldest = parsedNumbers.keys().next();
    if (!oldest.done) parsedNumbers.delete(oldest.value);
  }
  parsedNumbers.set(digits, parsed);
  return parsed;
}

/**
 * E.164 form of a number that can receive SMS: MOBILE, or FIXED_LINE_OR_MOBILE where the numbering
 * plan does not tell them apart (USA, Canada). `allowFixedLine` is for voice calls, which ring
 * landlines too. Premium, toll-free, VoIP, pager and personal numbers are refused as not mobile.
 */
export function normalisePhoneNumber(
  input: string,
  options: { allowFixedLine?: boolean; path?: readonly (string | number)[] } = {},
): string {
  const path = options.path ?? ['to'];
  const { e164, type } = parsePhoneNumber(input, path);
  const accepted = type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE';
  if (!accepted && !(options.allowFixedLine && type === 'FIXED_LINE')) {
    throw new NotMobileNumberError(e164, type, path);
  }
  return e164;
}

function toPhoneNumberType(type: string | undefined): PhoneNumberType {
  switch (type) {
    case 'MOBILE':
    case 'FIXED_LINE_OR_MOBILE':
    case 'FIXED_LINE':
      return type;
    default:
      return 'OTHER';
  }
}
