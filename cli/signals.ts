// The signals that end a command the way Ctrl-C does. Each one's default action ends Node at once,
// without `finally` blocks or 'exit' handlers, so a command with something to undo (the tail's rule
// and queue on a deployed stack's bus) handles them all: a closed terminal or a dropped SSH session
// (SIGHUP) and SIGQUIT as well as SIGINT and SIGTERM, as `npm start` does (local/main.ts).

/** Every signal whose default action ends the process and that a user or a terminal sends. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * Calls `onStop` on the first of STOP_SIGNALS. Later ones are noted (`onRepeat`, with how many came
 * before) and are not fatal: the process goes on with what the first one started, its cleanup.
 * Returns the function that removes the handlers, giving the signals their default action back.
 */
export function onStopSignals(
  onStop: (signal: StopSignal) => void,
  onRepeat: (signal: StopSignal, repeats: number) => void = () => undefined,
): () => void {
  let received = 0;
  const handle = (signal: StopSignal) => {
    received += 1;
    if (received === 1) {
      // After a hang-up the terminal is gone and writing to it fails (EIO, EPIPE): an unhandled
      // 'error' would end the process half-way through its cleanup.
      for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
      onStop(signal);
    } else {
      onRepeat(signal, received - 1);
    }
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handle);
  return () => {
    for (const signal of STOP_SIGNALS) process.off(signal, handle);
  };
}
