import type { z } from 'zod';
import { configError } from '../config-error.ts';

/**
 * A secret holding JSON, checked by `schema`, for the setting `variable` that names the secret. The
 * errors name the fields at fault (`the secret lacks <lacks> <fields>`), never the secret's content.
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
  const result = schema.safeParse(json);
  if (!result.success) {
    const { issues } = result.error;
    // A field there but unusable: its rule (zod's messages never quote the value).
    const wrong = issues.find((issue) => issue.code !== 'invalid_type' && issue.code !== 'too_small');
    if (wrong) throw configError(variable, `the secret's ${wrong.path.join('.')} ${wrong.message}`);
    const fields = [...new Set(issues.map((issue) => issue.path.join('.')))].join(', ');
    throw configError(variable, `the secret lacks ${words.lacks} ${fields}`);
  }
  return result.data;
}
