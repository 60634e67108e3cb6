// Which unknown key of a Kannel block may be quoted in a start error. The text before a line's "="
// is not always a key: a password line that lost its key (`Qx7pw=9Lk`) or its own "="
// (`smsc-password "Qx7pw=9Lk"`) leaves part of the password there, and start errors go to the
// task's log. A misspelt key is the common mistake and worth naming, so an unknown key is quoted
// only when it is a slip of one known key (at most 2 edits, and fewer than a quarter of its
// length: "prot" is not taken for "port"), which then shows little more than that public name.
// Anything else is named by its line only.
import { BLOCK_KEYS, UNSUPPORTED_KANNEL_KEYS } from './block-keys.ts';

const KNOWN_KEYS = [...Object.keys(BLOCK_KEYS), ...UNSUPPORTED_KANNEL_KEYS];

/** Levenshtein distance, stopping early once it exceeds `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    if (Math.min(...current) > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

/** The known key `key` is a slip of, if any. */
export function misspeltKey(key: string): string | undefined {
  let best: { known: string; distance: number } | undefined;
  for (const known of KNOWN_KEYS) {
    const limit = Math.min(2, Math.ceil(known.length / 4) - 1);
    const distance = editDistance(key, known, limit);
    if (distance <= limit && (!best || distance < best.distance)) best = { known, distance };
  }
  return best?.known;
}
