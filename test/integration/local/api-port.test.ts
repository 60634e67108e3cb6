import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil, within } from '#test/helpers/wait.ts';
import { useStackProcess } from './stack-process.ts';

// The local API's port (PORT, default 3000) taken by another process: the start must say which
// setting moves it, and say so before starting the rest of the stack (DynamoDB Local, the queues,
// the bind to the SMSC), not after it with Node's bare "listen EADDRINUSE ... 127.0.0.1:N".

describe('npm start when the API’s port is taken', () => {
  const start = useStackProcess();
  let holder: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve())));

  it('when PORT names a port another process holds, then the start fails at once naming PORT and starts nothing', {
    timeout: 30_000,
  }, async () => {
    // Prepare: a port held by another listener
    holder = createServer();
    await new Promise<void>((resolve) => holder?.listen(0, '127.0.0.1', () => resolve()));
    const port = (holder.address() as { port: number }).port;
    // Act
    const run = start('npm-start', { env: { PORT: String(port) } });
    let ended = false;
    void run.exited.then(() => {
      ended = true;
    });
    // Watched while it runs: a JVM orphaned by the exit is no longer found by its parent.
    await waitUntil(() => run.jvms().length > 0 || ended, 20_000, 'the start to fail', 20);
    const exited = await within(run.exited, 20_000, 'the start to fail');
    // Assess
    expect({ exited, jvms: run.jvms(), stdout: run.stdout }, run.stderr.slice(-1500)).toEqual({
      exited: { code: 1, signal: null },
      jvms: [],
      stdout: '',
    });
    expect(run.stderr).toBe(
      `the local stack failed to start: PORT ${port} is in use: the local API cannot listen on 127.0.0.1:${port}; set PORT to another port, or 0 for any free one\n`,
    );
  });
});
