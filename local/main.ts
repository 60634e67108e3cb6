// `npm start`: the whole system on this machine (see local/start-stack.ts). Prints a banner with the
// API URL, the SMPP target and a curl to try; Ctrl-C (SIGINT), SIGTERM, a hang-up (SIGHUP: the
// terminal closed) or SIGQUIT stops every part and waits for it, also while the stack is still
// starting; a second Ctrl-C exits at once (DynamoDB Local's JVM is still killed on exit). When
// DynamoDB Local dies under it, the stack says so and stops: its data, in memory, is gone.
// `npm start` runs this file as `node --import tsx`, in the process the signal reaches: tsx's own
// runner (`tsx local/main.ts`) would run it as a child and SIGKILL it when it had not answered a
// relayed signal within 60 ms (a busy moment), skipping the drain and leaving the JVM behind.
import { constants } from 'node:os';
import { banner } from '#local/banner.ts';
import { discardedNotice } from '#local/discarded.ts';
import type { DynamoDbLocalExit } from '#local/dynamodb-local.ts';
import { apiPort } from '#local/stack-config.ts';
import { type LocalStack, startLocalStack } from '#local/start-stack.ts';

/** Signals closer together than this are copies of one Ctrl-C (see stop()). */
const RELAYED_SIGNAL_MS = 1_000;
/** Every signal whose default action ends the process (see main()). */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
/** Lines of DynamoDB Local's last output shown when it exits by itself. */
const DATABASE_OUTPUT_LINES = 10;

function databaseExitNotice(exit: DynamoDbLocalExit): string {
  const how = exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
  // Killed by a signal (kill -9, the OOM killer) it wrote nothing worth showing; exiting by itself
  // (an OutOfMemoryError, a crash) its last words name the cause.
  const output =
    exit.code === null
      ? []
      : exit.output
          .trimEnd()
          .split('\n')
          .slice(-DATABASE_OUTPUT_LINES)
          .map((line) => `  ${line}`);
  return [
    `DynamoDB Local exited (${how}): the local data is gone (every table and record, kept in memory only)` +
      ' and the stack cannot go on without it; start it again for a fresh, empty one',
    ...(output.length > 0 ? ['its last output:', ...output] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const starting = new AbortController();
  let stack: LocalStack | undefined;
  let stoppingSince: number | undefined;
  let exitCode = 0;

  const finish = (running: LocalStack) => {
    running.stop().then(
      () => {
        process.stderr.write('stopped\n');
        process.exit(exitCode);
      },
      (error: unknown) => {
        process.stderr.write(`stop failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
      },
    );
  };
  const stop = (reason: string, code: number) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches this process several times within milliseconds: from the terminal (the
      // whole process group) and relayed by npm. Only a later one is the user's second.
      if (Date.now() - stoppingSince < RELAYED_SIGNAL_MS) return;
      process.stderr.write(`${reason} again: exiting without waiting\n`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    exitCode = code;
    if (stack === undefined) {
      // The start stops what it has started and rejects; main() exits then.
      process.stderr.write(`\n${reason} while starting: stopping what has started so far...\n`);
      starting.abort(new Error(`${reason} while starting`));
      return;
    }
    process.stderr.write(
      `\n${reason}: stopping (API, bind-service, stream poller, simulator, SQS, DynamoDB Local)...\n`,
    );
    finish(stack);
  };
  // Installed before anything starts: a signal's default action runs no 'exit' handler, so DynamoDB
  // Local's JVM, detached from the terminal, would outlive a Ctrl-C during the start as it would a
  // closed terminal (SIGHUP) later. A start cut short exits as the signal would have (128 + its
  // number); a stop asked for once the stack is up is a normal end (0).
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => stop(signal, stack === undefined ? 128 + constants.signals[signal] : 0));
  }
  // After a hang-up the terminal is gone and writing to it fails (EIO, EPIPE): that must not end
  // the process half-way through stopping the stack.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

  try {
    stack = await startLocalStack({
      env: process.env,
      apiPort: apiPort(process.env),
      detachDatabase: true,
      signal: starting.signal,
      onDiscard: (discarded) => {
        for (const line of discardedNotice(discarded)) process.stderr.write(`${line}\n`);
      },
    });
  } catch (error) {
    if (!starting.signal.aborted) throw error;
    process.stderr.write('stopped\n');
    process.exit(exitCode);
  }
  // A signal between the start's last step and here found no stack to stop: stop it now.
  if (starting.signal.aborted) {
    finish(stack);
    return;
  }
  process.stdout.write(banner(stack));

  void stack.bindService?.fatal.then((error) => {
    process.stderr.write(`bind-service cannot go on: ${error.message}\n`);
    if (stoppingSince === undefined) stop('fatal', 1);
  });
  void stack.databaseExited?.then((exit) => {
    process.stderr.write(databaseExitNotice(exit));
    if (stoppingSince === undefined) stop('DynamoDB Local exited', 1);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `the local stack failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
