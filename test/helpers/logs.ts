import type { LogLine, LogWriter } from '#core/observability/logger.ts';

/** A writer that keeps every line a logger writes, parsed as a log query would read it. */
export function captureLogs(): { lines: LogLine[]; write: LogWriter } {
  const lines: LogLine[] = [];
  return {
    lines,
    write: (line) => {
      lines.push(JSON.parse(line) as LogLine);
    },
  };
}
