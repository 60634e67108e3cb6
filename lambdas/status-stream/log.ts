// One JSON object per line, `{ time, level, msg, ... }`, the shape the API and the bind-service
// write. Callers pass ids, statuses and codes only: never a recipient, a text or a callback URL's
// query (it may carry the receiver's token).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogLine = { level: LogLevel; msg: string } & Record<string, unknown>;
export type LogSink = (line: LogLine) => void;

/** Straight to stdout: Lambda's console.* would prefix each line and break the JSON format. */
export const stdoutLog: LogSink = (line) => {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...line })}\n`);
};

export const silentLog: LogSink = () => undefined;

/** Where a URL points, without path or query: enough to tell receivers apart in a log. */
export function urlOrigin(url: string): string {
  return URL.canParse(url) ? new URL(url).origin : 'invalid-url';
}
