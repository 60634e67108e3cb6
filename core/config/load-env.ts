import type { z } from 'zod';
import type { ConfigError } from '#core/domain/errors.ts';

// Every component reads its settings once at start through this: a bad or missing variable stops it
// at boot with the variable's name, rather than failing the first request or a bind hours later.

export type Env = Readonly<Record<string, string | undefined>>;

export type ConfigErrorClass<E extends ConfigError> = new (
  message: string,
  variables: readonly string[],
) => E;

export interface ConfigSource<E extends ConfigError = ConfigError> {
  /** Names the component in messages: "Invalid <component> configuration: ...". */
  component: string;
  /** What it throws: its own ConfigError subclass, or ConfigError itself. */
  error: ConfigErrorClass<E>;
}

/** A ConfigError naming the variables at fault, for checks a schema cannot make alone. */
export function variableError<E extends ConfigError>(
  source: ConfigSource<E>,
  variables: string | readonly string[],
  problem: string,
): E {
  const names = typeof variables === 'string' ? [variables] : variables;
  return faultsError(source, [{ variables: names, problem }]);
}

function faultsError<E extends ConfigError>(
  source: ConfigSource<E>,
  faults: readonly { variables: readonly string[]; problem: string }[],
): E {
  const problems = faults.map(({ variables, problem }) => `${variables.join(', ')}: ${problem}`);
  const variables = [...new Set(faults.flatMap((fault) => fault.variables))];
  return new source.error(`Invalid ${source.component} configuration: ${problems.join('; ')}`, variables);
}

/**
 * Whether a variable is given: set to something other than blanks. `FOO=` in an .env file, an empty
 * CDK default or a stray blank (`FOO= `, YAML's `" "`) means "not given"; read as a value, a blank
 * would pass z.coerce.number() as Number(' ') = 0 and silently turn a rule off.
 */
export function isGiven(value: string | undefined): value is string {
  return value !== undefined && value.trim() !== '';
}

/** The variables of `env` that are given (isGiven): what a loader's schema parses. */
export function givenVariables(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => isGiven(entry[1])),
  );
}

/**
 * The schema's output for `env`, or ONE ConfigError naming every variable at fault. A variable that
 * is empty or only blanks counts as unset (isGiven).
 */
export function loadEnv<Schema extends z.ZodObject, E extends ConfigError = ConfigError>(
  schema: Schema,
  env: Env,
  source: ConfigSource<E>,
): z.output<Schema> {
  const result = schema.safeParse(givenVariables(env));
  if (result.success) return result.data;
  throw faultsError(
    source,
    result.error.issues.map((issue) => ({
      variables: [String(issue.path[0] ?? '(env)')],
      // zod's "expected string, received undefined" says less than this.
      problem: /received undefined$/.test(issue.message) ? 'is required' : issue.message,
    })),
  );
}
