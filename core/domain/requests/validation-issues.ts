import type { z } from 'zod';
import type { DomainError } from '#core/domain/errors.ts';

// The machine-readable form of a validation failure, shared by the HTTP API's 4xx answers and by the
// queue consumer's `rejected` records. Codes are ours, not zod's, so that a zod upgrade cannot change
// what callers see: required, invalid_type, unknown_field, too_long, too_short, too_large, too_small,
// invalid_value, invalid_format, invalid_url, invalid_phone_number, not_mobile_number,
// invalid_email_address, conflicting_fields, duplicate_recipient.

export interface ValidationIssue {
  code: string;
  path: (string | number)[];
  /** For people: the field, then what is wrong with it ("to: ... is not a valid phone number"). */
  message: string;
}

type ZodIssue = z.core.$ZodIssue;

const NO_INPUT: unique symbol = Symbol('no input');

/**
 * `input` is what was parsed. zod does not say whether a field was missing or present with the wrong
 * type (it drops the input from issues); with `input` given, missing fields come out as `required`.
 */
export function formatValidationIssues(error: z.ZodError, input: unknown = NO_INPUT): ValidationIssue[] {
  return error.issues.flatMap((issue) => formatIssue(issue, input));
}

export type ValidationResult<T> = { success: true; data: T } | { success: false; issues: ValidationIssue[] };

/** Parses `input` and formats any issues; the one call the HTTP handler and queue consumer need. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): ValidationResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { success: true, data: result.data };
  return { success: false, issues: formatValidationIssues(result.error, input) };
}

/** Reports a DomainError raised inside a zod refinement, keeping its code for `formatValidationIssues`. */
export function addDomainIssue(ctx: z.RefinementCtx, error: DomainError): void {
  ctx.addIssue({
    code: 'custom',
    message: error.message,
    path: [...error.path],
    params: { code: error.code },
  });
}

function formatIssue(issue: ZodIssue, input: unknown): ValidationIssue[] {
  const path = issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key));
  const make = (code: string, detail: string, at = path): ValidationIssue => ({
    code,
    path: at,
    message: `${label(at)}: ${detail}`,
  });
  switch (issue.code) {
    case 'invalid_type': {
      if (isMissing(issue, input, path)) return [make('required', 'is required')];
      return [make('invalid_type', `must be ${article(issue.expected)}`)];
    }
    case 'unrecognized_keys':
      return issue.keys.map((key) => make('unknown_field', 'is not a known field', [...path, key]));
    case 'too_big':
      return [tooBig(issue, make)];
    case 'too_small':
      return [tooSmall(issue, make)];
    case 'invalid_value':
      // A required literal (the queue message's `v`) reports a missing value as invalid_value.
      if (isMissing(issue, input, path)) return [make('required', 'is required')];
      return [make('invalid_value', `must be ${oneOf(issue.values)}`)];
    case 'invalid_format':
      return [make('invalid_format', issue.message)];
    case 'custom': {
      const code = typeof issue.params?.code === 'string' ? issue.params.code : 'invalid_value';
      return [make(code, issue.message)];
    }
    default:
      return [make('invalid_value', issue.message)];
  }
}

type Make = (code: string, detail: string) => ValidationIssue;

function tooBig(issue: z.core.$ZodIssueTooBig, make: Make): ValidationIssue {
  const limit = String(issue.maximum);
  if (issue.origin === 'string') return make('too_long', `must be at most ${limit} characters`);
  if (issue.origin === 'array') return make('too_long', `must have at most ${limit} entries`);
  return make('too_large', `must be at most ${limit}`);
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, make: Make): ValidationIssue {
  const limit = String(issue.minimum);
  if (issue.origin === 'string') {
    return make('too_short', limit === '1' ? 'must not be empty' : `must be at least ${limit} characters`);
  }
  if (issue.origin === 'array') {
    return make('too_short', limit === '1' ? 'must not be empty' : `must have at least ${limit} entries`);
  }
  return make('too_small', `must be at least ${limit}`);
}

function isMissing(issue: ZodIssue, input: unknown, path: (string | number)[]): boolean {
  // With `reportInput` zod keeps the input, undefined for a missing field.
  if ('input' in issue) return issue.input === undefined;
  // Without the input, zod's own (English) wording is all there is to go by.
  if (input === NO_INPUT) return /received undefined$/.test(issue.message);
  let node: unknown = input;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return true;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node === undefined;
}

const ARTICLES: Readonly<Record<string, string>> = {
  int: 'an integer',
  object: 'an object',
  array: 'an array',
  undefined: 'absent',
};

function article(expected: string): string {
  return ARTICLES[expected] ?? `a ${expected}`;
}

function oneOf(values: readonly unknown[]): string {
  const shown = values.map((value) => JSON.stringify(value));
  return shown.length === 1 ? String(shown[0]) : `one of ${shown.join(', ')}`;
}

/** "messages[2].to"; the whole request when the path is empty. */
function label(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'request';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`))
    .join('');
}
