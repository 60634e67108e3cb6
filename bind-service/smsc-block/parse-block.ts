// The provider publishes its connection settings as a Kannel `group = smsc` block (SPEC, the seed
// document). Kannel's format is a few lines of `key = value`, `#` comments and double-quoted values;
// we found no maintained npm package for it, and a reader this short whose every error names the
// line is easier to audit than a dependency (docs/configuration.md says so too).

/** One `key = value` line, with its line number for errors. */
export interface BlockEntry {
  key: string;
  value: string;
  line: number;
}

/** A line that is not `key = value`, a comment or blank; `line` is 1-based. */
export class BlockSyntaxError extends Error {
  constructor(
    readonly line: number,
    problem: string,
  ) {
    super(problem);
    this.name = 'BlockSyntaxError';
  }
}

const KEY = /^[a-z][a-z0-9-]*$/;

/** Kannel's quoting: the value between the quotes, `\"` and `\\` unescaped. */
function unquote(raw: string, line: number): string {
  if (!raw.startsWith('"')) return raw;
  if (raw.length < 2 || !raw.endsWith('"') || (raw.endsWith('\\"') && !raw.endsWith('\\\\"'))) {
    throw new BlockSyntaxError(line, 'a quoted value has no closing quote');
  }
  return raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
}

/**
 * Every `key = value` line of `text`, in order. Comments are whole lines starting with `#` (as in
 * Kannel: a `#` inside a value, a password say, is part of it); blank lines are skipped.
 */
export function parseBlock(text: string): BlockEntry[] {
  const entries: BlockEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const equals = trimmed.indexOf('=');
    // The line is not echoed: it may be a password missing its key.
    if (equals < 0) throw new BlockSyntaxError(line, 'expected "key = value"');
    const key = trimmed.slice(0, equals).trim().toLowerCase();
    // Nor is text before the "=" that no key could be: a password that lost its own "="
    // (`smsc-password "Qx7pw=9Lk"`) would be quoted up to it.
    if (!KEY.test(key)) {
      throw new BlockSyntaxError(line, 'not a "key = value" line: the text before "=" is not a key');
    }
    entries.push({ key, value: unquote(trimmed.slice(equals + 1).trim(), line), line });
  });
  return entries;
}
