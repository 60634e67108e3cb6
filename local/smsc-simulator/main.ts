// `npm run simulator`: the SMSC simulator as a standalone server for local runs (see README.md).
import { readStandaloneConfig } from './env.ts';
import { maskPhone } from './mask.ts';
import { SmscSimulator } from './simulator.ts';

function log(event: string, fields: object): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
}

async function main(): Promise<void> {
  const { port, logMessages, options } = readStandaloneConfig(process.env);
  const simulator = new SmscSimulator(options);
  simulator.on('bind', (e) => log('bind', e));
  simulator.on('bind-failed', (e) => log('bind-failed', e));
  simulator.on('kick', (e) => log('kick', e));
  simulator.on('session-closed', (e) => log('session-closed', e));
  if (logMessages) {
    simulator.on('message', (m) =>
      log('message', {
        messageIds: m.messageIds,
        systemId: m.systemId,
        source: maskPhone(m.source),
        destination: maskPhone(m.destination),
        kind: m.kind,
        parts: m.parts,
        dataCoding: m.dataCoding,
      }),
    );
  }
  const actualPort = await simulator.listen(port);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log('stopping', { signal });
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // Announced only once Ctrl-C is handled: whoever waits for this line may signal at once.
  const accounts = options.accounts.map(
    (a) => `${a.systemId} (${a.rate === 0 ? 'unlimited' : `${a.rate} msg/s`})`,
  );
  process.stdout.write(
    `SMSC simulator on ${options.host}:${actualPort}${options.tls ? ' (TLS)' : ''}; accounts: ${accounts.join(', ')}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `simulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
