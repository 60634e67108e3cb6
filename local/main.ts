// `npm start`: the whole system on this machine (see local/start-stack.ts). Prints a banner with the
// API URL, the SMPP target and a curl to try; Ctrl-C (SIGINT), SIGTERM, a hang-up (SIGHUP: the
// terminal closed) or SIGQUIT stops every part and waits for it, a second Ctrl-C exits at once
// (DynamoDB Local's JVM is still killed on exit).
import { VAR } from '#core/config/variables.ts';
import { type LocalStack, startLocalStack } from '#local/start-stack.ts';

const DEFAULT_PORT = 3000;
/** Signals closer together than this are copies of one Ctrl-C (see stop()). */
const RELAYED_SIGNAL_MS = 1_000;

function apiPort(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`${VAR.PORT} must be a port number (0-65535), got "${value}"`);
  }
  return port;
}

function banner(stack: LocalStack): string {
  const { smpp, apiUrl } = stack;
  const target = smpp.simulated
    ? `embedded SMSC simulator on ${smpp.host}:${smpp.port} (login "${smpp.systemId}", ${smpp.throughput} msg/s)`
    : `${smpp.host}:${smpp.port} (login "${smpp.systemId}")`;
  const post = `curl -s -X POST ${apiUrl}/v1/messages -H 'content-type: application/json' -d '{"to":"+79991234567","text":"Привет"}'`;
  return [
    '',
    'SMS sender: local stack is up',
    `  API            ${apiUrl}`,
    `  SMPP           ${target}`,
    `  DynamoDB Local ${stack.endpoints.dynamodb}  (tables ${stack.tables.messages}, ${stack.tables.inbound})`,
    `  SQS (fauxqs)   ${stack.endpoints.sqs}`,
    ...(stack.endpoints.bindServiceHealth ? [`  bind-service   ${stack.endpoints.bindServiceHealth}`] : []),
    '',
    'Send a message, then read it (delivered within a second or so):',
    `  ${post}`,
    `  curl -s ${apiUrl}/v1/messages/<id from the answer>`,
    'or both at once:',
    `  id=$(${post} | sed -E 's/.*"id":"([^"]+)".*/\\1/'); sleep 1; curl -s ${apiUrl}/v1/messages/$id`,
    '',
    ...(smpp.simulated
      ? ['Like the SMSC, the simulator refuses the same text to the same number twice within a minute.', '']
      : []),
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const stack = await startLocalStack({
    env: process.env,
    apiPort: apiPort(process.env[VAR.PORT]),
    detachDatabase: true,
  });
  process.stdout.write(banner(stack));

  let stoppingSince: number | undefined;
  const stop = (signal: string, exitCode = 0) => {
    if (stoppingSince !== undefined) {
      // One Ctrl-C reaches this process several times within milliseconds: from the terminal (the
      // whole process group) and relayed by npm and tsx. Only a later one is the user's second.
      if (Date.now() - stoppingSince < RELAYED_SIGNAL_MS) return;
      process.stderr.write(`${signal} again: exiting without waiting\n`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    process.stderr.write(
      `\n${signal}: stopping (API, bind-service, stream poller, simulator, SQS, DynamoDB Local)...\n`,
    );
    stack.stop().then(
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
  // Every signal whose default action ends the process: that default runs no 'exit' handler, so
  // DynamoDB Local's JVM, detached from the terminal, would outlive a closed terminal (SIGHUP).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) {
    process.on(signal, () => stop(signal));
  }
  // After a hang-up the terminal is gone and writing to it fails (EIO, EPIPE): that must not end
  // the process half-way through stopping the stack.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  void stack.bindService?.fatal.then((error) => {
    process.stderr.write(`bind-service cannot go on: ${error.message}\n`);
    if (stoppingSince === undefined) stop('fatal', 1);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `the local stack failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
