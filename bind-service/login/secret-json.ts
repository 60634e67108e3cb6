import type { z } from 'zod';
import { configError } from '../config-error.ts';

/**
 * A secret holding JSON, checked by `schema`, for the setting `variable` that names the secret. The
 * errors name the fields at fault, never the secret's content: a field missing or empty (`the secret
 * lacks <lacks> <fields>`), there but not a string, or against its rule.
 */
export function parseSecretJson<S extends z.ZodType>(
  secretString: string,
  schema: S,
  variable: string,
  words: { expected: string; lacks: string },
): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw configError(variable, `the secret is not JSON; expected ${words.expected}`);
  }
  // A bare password, `null` or an array parse as JSON too; zod would report them at an empty path,
  // which named no field at all.
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw configError(variable, `the secret is not a JSON object; expected ${words.expected}`);
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const fields = json as Record<string, unknown>;
  const name = (issue: z.core.$ZodIssue) => issue.path.join('.');
  const given = (issue: z.core.$ZodIssue) => fields[String(issue.path[0])] !== undefined;
  const { issues } = result.error;
  // Missing or empty first: an empty string also breaks every other rule of its field, and "must be
  // printable ASCII" would send the operator looking for a character that is not there.
  const lacking = issues.filter(
    (issue) => issue.code === 'too_small' || (issue.code === 'invalid_type' && !given(issue)),
  );
  if (lacking.length > 0) {
    throw configError(
      variable,
      `the secret lacks ${words.lacks} ${[...new Set(lacking.map(name))].join(', ')}`,
    );
  }
  // There but not a string (a password written as a JSON number): saying it lacks one would be
  // wrong. The type is named, never the value (zod's messages never quote it either).
  const mistyped = issues.find((issue) => issue.code === 'invalid_type');
  if (mistyped) {
    throw configError(variable, `the secret's ${name(mistyped)} must be a ${mistyped.expected}`);
  }
  const wrong = issues[0];
  throw configError(
    variable,
    `the secret's ${wrong ? `${name(wrong)} ${wrong.message}` : 'content is not valid'}`,
  );
}
