import { buildApp } from 'fauxqs';

export interface SqsLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export interface StartSqsLocalOptions {
  /** 0 or absent: let the OS pick a free port. */
  port?: number;
}

/**
 * An SQS-compatible server (fauxqs, in memory) on 127.0.0.1. fauxqs's own `startFauxqs()` always
 * listens on 0.0.0.0, so its app is built here and bound to loopback instead; the SQS behaviour
 * (visibility, long polling, redrive to DLQ, batches) is the same code. Its body-character check is
 * patched at install (patches/fauxqs+1.9.2.patch) to accept what AWS SQS accepts, emoji included.
 */
export async function startSqsLocal(options: StartSqsLocalOptions = {}): Promise<SqsLocal> {
  const app = buildApp({ logger: false });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error('fauxqs: no TCP address assigned');
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    port: address.port,
    stop: async () => {
      await app.close();
    },
  };
}
