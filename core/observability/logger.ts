// The logging port every component depends on. It names no library: the one implementation
// (json-logger.ts, on Powertools Logger) decides the line format and the redaction, so a caller only
// says what happened and with which fields.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{ component: 'lanes' }`). */
  child(fields: LogFields): Logger;
}

/** Where finished lines go, one JSON object per call, without the newline. */
export type LogWriter = (line: string) => void;

/** A written line, parsed: the fixed keys first, then the caller's fields (redacted). */
export type LogLine = { level: LogLevel; msg: string; time: string; service: string } & LogFields;

/** Discards everything (benchmarks, tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
