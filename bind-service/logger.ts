// The bind-service's one log format: a JSON object per line on stdout, `{level, msg, time, ...}`,
// the same shape the Lambdas write, so one log query reads both. Whatever a caller passes goes
// through `redact`: recipients are masked, message text and credentials never leave the process.
import { maskRecipient } from '#core/domain/requests/recipient.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ lane: 'bulk' }`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where finished lines go; default stdout. Tests collect them instead. */
  write?: (line: string) => void;
  clock?: () => Date;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Field names whose value is a phone number or e-mail address: logged masked. */
const RECIPIENT_FIELDS = new Set(['to', 'from', 'recipient', 'source', 'destination', 'phone']);
/** Field names that may carry message content or secrets: never logged, whatever their value. */
const SECRET_FIELDS = new Set([
  'text',
  'body',
  'shortMessage',
  'short_message',
  'messagePayload',
  'password',
  'secret',
  'secretString',
  'credentials',
  'comment',
]);

// Digits runs that look like a phone number inside free text (an error message may quote one).
const PHONE_LIKE = /\+?\d{7,15}/g;

/** A string that may contain a phone number, with every such number masked. */
export function scrub(text: string): string {
  return text.replace(PHONE_LIKE, (match) => maskRecipient(match.startsWith('+') ? match : `+${match}`));
}

function describeError(error: Error): LogFields {
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    message: scrub(error.message),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
  };
}

/** The fields as they may be written: recipients masked, content and secrets dropped, errors described. */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || SECRET_FIELDS.has(key)) continue;
    if (value instanceof Error) out[key] = describeError(value);
    else if (RECIPIENT_FIELDS.has(key) && typeof value === 'string') out[key] = maskRecipient(value);
    else out[key] = value;
  }
  return out;
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const threshold = RANK[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const clock = options.clock ?? (() => new Date());
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const line = { level, msg, time: clock().toISOString(), ...base, ...(fields ? redact(fields) : {}) };
    write(JSON.stringify(line));
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    child: (fields) => createLogger(options, { ...base, ...redact(fields) }),
  };
}

/** Discards everything (benchmarks, tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
