// SMPP_CONFIG_FILE: the provider's Kannel `group = smsc` block as a source of the bind-service's
// settings. Each key becomes the environment variable it stands for (block-keys.ts), so the block
// and the environment go through the same schema and give the same config. A variable set both in
// the block and in the environment to different values is refused rather than one silently winning:
// either choice would surprise whoever edits the other place.
import { readFileSync } from 'node:fs';
import { CONFIG_SOURCE, configError } from '#bind-service/config-error.ts';
import { type Env, isGiven, variableError } from '#core/config/load-env.ts';
import { VAR, type VariableName } from '#core/config/variables.ts';
import { ConfigError } from '#core/domain/errors.ts';
import { BLOCK_KEYS, kannelBoolean, UNSUPPORTED_KANNEL_KEYS } from './block-keys.ts';
import { misspeltKey } from './key-typo.ts';
import { type BlockEntry, BlockSyntaxError, parseBlock } from './parse-block.ts';

/** Where a variable's value came from in the block, to name it in errors. */
interface Origin {
  key: string;
  line: number;
}

export interface SmscBlockSettings {
  /** The environment with the block's settings added; the environment unchanged without a block. */
  env: Env;
  /** Re-throws a config error about a variable the block set, naming the file, line and key. */
  explain: (error: unknown) => never;
}

/** Kannel writes `yes` where the environment has `true`, `30.0` where it has `30`: the same value. */
function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  const flag = kannelBoolean(a);
  if ((flag === 'true' || flag === 'false') && flag === kannelBoolean(b)) return true;
  return a.trim() !== '' && b.trim() !== '' && Number.isFinite(Number(a)) && Number(a) === Number(b);
}

function readBlock(file: string): BlockEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw configError(VAR.SMPP_CONFIG_FILE, `cannot read ${file}: ${reason}`);
  }
  try {
    return parseBlock(text);
  } catch (error) {
    if (!(error instanceof BlockSyntaxError)) throw error;
    throw configError(VAR.SMPP_CONFIG_FILE, `${file} line ${error.line}: ${error.message}`);
  }
}

/** The settings of the block SMPP_CONFIG_FILE names, merged into `env`. */
export function withSmscBlock(env: Env): SmscBlockSettings {
  const file = env[VAR.SMPP_CONFIG_FILE];
  // Blanks count as unset, as for every variable (load-env.ts).
  if (!isGiven(file)) return { env, explain: (error) => rethrow(error) };
  const at = (line: number, problem: string, variables: VariableName[] = []) =>
    variableError(CONFIG_SOURCE, [VAR.SMPP_CONFIG_FILE, ...variables], `${file} line ${line}: ${problem}`);
  const entries = readBlock(file);
  const first = entries[0];
  if (first?.key !== 'group') throw at(first?.line ?? 1, 'the block must start with `group = smsc`');

  const settings: Record<string, string> = {};
  const origins = new Map<string, Origin>();
  const seen = new Set<string>();
  for (const { key, value, line } of entries) {
    if (seen.has(key)) {
      throw at(line, key === 'group' ? 'one block per file' : `${key} is given twice`);
    }
    seen.add(key);
    const rule = BLOCK_KEYS[key];
    if (!rule) {
      if (UNSUPPORTED_KANNEL_KEYS.includes(key)) {
        throw at(line, `${key} is a Kannel setting this service does not support; remove it`);
      }
      // An unknown key may be part of a password: quoted only as a slip of a known one (key-typo.ts).
      const meant = misspeltKey(key);
      throw at(
        line,
        meant
          ? `unknown key ${key}; did you mean ${meant}?`
          : 'unknown key (not quoted: the text before "=" may be part of a password)',
      );
    }
    if (rule.kind === 'ignored') continue;
    if (rule.kind === 'fixed') {
      if (!rule.accepts(value)) throw at(line, `${key} = ${value} is not supported: ${rule.why}`);
      continue;
    }
    if (/^<.*>$/.test(value)) throw at(line, `${key} is still the placeholder ${value}; fill it in`);
    if (rule.variables.some((name) => name === VAR.SMPP_SYSTEM_ID || name === VAR.SMPP_PASSWORD)) {
      if (isGiven(env[VAR.SMPP_SECRET_ARN])) {
        throw at(
          line,
          `${key} is refused with ${VAR.SMPP_SECRET_ARN}: the login comes from Secrets Manager; remove it`,
          [VAR.SMPP_SECRET_ARN],
        );
      }
    }
    const converted = rule.convert ? rule.convert(value) : value;
    for (const variable of rule.variables) {
      const given = env[variable];
      if (isGiven(given) && !sameValue(given, converted)) {
        const shown = rule.secret ? '' : ` (${value} against ${given})`;
        throw at(line, `${key} and the environment's ${variable} differ${shown}; set it in one place only`, [
          variable,
        ]);
      }
      settings[variable] = converted;
      origins.set(variable, { key, line });
    }
  }
  return {
    env: { ...env, ...settings },
    explain: (error) => {
      if (!(error instanceof ConfigError)) throw error;
      const from = error.variables.flatMap((variable) => {
        const origin = origins.get(variable);
        return origin ? [`${variable} from ${file} line ${origin.line} (${origin.key})`] : [];
      });
      if (from.length === 0) throw error;
      throw new (error.constructor as typeof ConfigError)(`${error.message} [${from.join('; ')}]`, [
        ...error.variables,
        VAR.SMPP_CONFIG_FILE,
      ]);
    },
  };
}

function rethrow(error: unknown): never {
  throw error;
}
