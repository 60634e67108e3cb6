import { getRandomValues } from 'node:crypto';

// Message ids are ULIDs (https://github.com/ulid/spec): 48-bit millisecond time then 80 random bits,
// in Crockford base32, 26 characters. Sorting them as strings sorts by creation time, which keeps
// DynamoDB listings and logs in order, and they are safe in URLs and file names as they are.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_CHARS = 10;
const RANDOM_BYTES = 10;
const MAX_TIME = 2 ** 48 - 1;

/** A ULID's first character is at most '7': 10 characters carry 50 bits, the time has 48. */
const MESSAGE_ID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const BATCH_ID_PREFIX = 'b_';
// The prefix keeps a batch id from ever being read as a message id (GET /messages/{id}).
const BATCH_ID_PATTERN = /^b_[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export type IdGenerator = (now?: number) => string;

/**
 * A monotonic generator: in the same millisecond (or if the clock steps back) the previous random
 * part is incremented instead of drawn again, so ids it makes in sequence sort in sequence.
 */
export function messageIdGenerator(): IdGenerator {
  let lastTime = -1;
  const lastRandom = new Uint8Array(RANDOM_BYTES);
  return (now = Date.now()) => {
    if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) throw new RangeError(`Invalid id time ${now}`);
    if (now > lastTime) {
      lastTime = now;
      getRandomValues(lastRandom);
    } else if (!increment(lastRandom)) {
      // 2^80 ids in one millisecond cannot happen; moving to the next millisecond keeps the order anyway.
      lastTime += 1;
      getRandomValues(lastRandom);
    }
    return encodeTime(lastTime) + encodeRandom(lastRandom);
  };
}

const processGenerator = messageIdGenerator();

/** A new id, monotonic within this process. */
export function newMessageId(now?: number): string {
  return processGenerator(now);
}

export function newBatchId(now?: number): string {
  return BATCH_ID_PREFIX + processGenerator(now);
}

export function isMessageId(value: unknown): value is string {
  return typeof value === 'string' && MESSAGE_ID_PATTERN.test(value);
}

export function isBatchId(value: unknown): value is string {
  return typeof value === 'string' && BATCH_ID_PATTERN.test(value);
}

/** The millisecond a message id was made in (for logs and debugging). */
export function messageIdTime(id: string): number {
  if (!isMessageId(id)) throw new RangeError(`Not a message id: ${id}`);
  let time = 0;
  for (const char of id.slice(0, TIME_CHARS)) time = time * 32 + ALPHABET.indexOf(char);
  return time;
}

function encodeTime(time: number): string {
  let rest = time;
  let out = '';
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** 80 bits → 16 characters of 5 bits, most significant first. */
function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31];
    }
    // Only the unread low bits matter; dropping the rest keeps the buffer small.
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** Adds 1 to the big-endian number in `bytes`; false when it wrapped around to zero. */
function increment(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] !== 0xff) {
      bytes[i] = (bytes[i] ?? 0) + 1;
      return true;
    }
    bytes[i] = 0;
  }
  return false;
}
