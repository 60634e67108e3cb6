import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, Server as TlsServer } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { ReachabilityProbe } from '#bind-service/dispatch/binds/reachability-probe.ts';
import { silentLogger } from '#core/observability/logger.ts';
import { freePort } from '#local/ports.ts';
import { createTestPki, SERVER_NAME, type TestPki } from '#test/helpers/net/pki.ts';
import { elapse, waitUntil } from '#test/helpers/wait.ts';
import { useCleanup } from '../../cleanup.ts';

// Before a standby counts as healthy it shows the SMSC can be reached from its task: a connect
// (and with TLS the verified handshake) to the primary or the backup host, never a bind. Loopback
// servers stand in for the SMSC: they count connections and the bytes the probe sent.

interface Listening {
  port: number;
  connections: number;
  bytes: number;
  close(): Promise<void>;
}

async function listen(server: Server, port = 0): Promise<Listening> {
  const seen: Listening = {
    port: 0,
    connections: 0,
    bytes: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  const sockets = new Set<Socket>();
  // A TLS server's raw socket is read by TLS itself: bytes are counted on plain servers only.
  const plain = !(server instanceof TlsServer);
  server.on('connection', (socket: Socket) => {
    seen.connections += 1;
    sockets.add(socket);
    if (plain) {
      socket.on('data', (chunk: Buffer) => {
        seen.bytes += chunk.length;
      });
    }
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  seen.port = address.port;
  return seen;
}

describe('ReachabilityProbe (loopback servers)', () => {
  const defer = useCleanup();
  let pki: TestPki;

  beforeAll(async () => {
    pki = await createTestPki();
  });

  const serve = async (server: Server, port?: number) => {
    const seen = await listen(server, port);
    defer(() => seen.close());
    return seen;
  };

  const probeOf = (options: Omit<ConstructorParameters<typeof ReachabilityProbe>[0], 'log'>) => {
    const probe = new ReachabilityProbe({ log: silentLogger, intervalMs: 100, timeoutMs: 2_000, ...options });
    defer(() => probe.stop());
    return probe;
  };

  it('when the primary host refuses and the backup accepts, then it is reached through the backup without a byte sent, and probes no more', async () => {
    // Prepare
    const primary = await freePort();
    const backup = await serve(createServer());
    const probe = probeOf({
      hosts: [
        { host: '127.0.0.1', port: primary },
        { host: '127.0.0.1', port: backup.port },
      ],
    });
    // Act
    probe.start();
    await waitUntil(() => probe.reached, 5_000, 'the probe to reach the backup');
    await elapse(500);
    probe.start();
    // Assess: a bind would end the running task's session without MCON; nothing is said at all.
    expect({ reached: probe.reached, problem: probe.problem }).toEqual({ reached: true, problem: undefined });
    expect({ connections: backup.connections, bytes: backup.bytes }).toEqual({ connections: 1, bytes: 0 });
  });

  it('when the SMSC cannot be reached, then the problem names host:port and the error, and it is reached once the SMSC listens', async () => {
    // Prepare
    const port = await freePort();
    const probe = probeOf({ hosts: [{ host: '127.0.0.1', port }] });
    const before = probe.problem;
    // Act
    probe.start();
    await waitUntil(() => probe.problem?.includes('ECONNREFUSED') === true, 5_000, 'a failed attempt');
    const failing = probe.problem;
    const smsc = await serve(createServer(), port);
    await waitUntil(() => probe.reached, 5_000, 'the probe to reach the SMSC');
    await elapse(300);
    // Assess
    expect(before).toBe(`the SMSC has not been reached from this task yet (127.0.0.1:${port})`);
    expect(failing).toMatch(
      new RegExp(`^the SMSC cannot be reached from this task: 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`),
    );
    expect(smsc.connections).toBe(1);
  });

  it('when the login uses TLS, then only a handshake verified with the sessions’ CA and server name reaches it', async () => {
    // Prepare
    const smsc = await serve(createTlsServer({ key: pki.server.key, cert: pki.server.cert }));
    const hosts = [{ host: '127.0.0.1', port: smsc.port }];
    const unverified = probeOf({ hosts, tls: { enabled: true, rejectUnauthorized: true } });
    const verified = probeOf({
      hosts,
      tls: { enabled: true, rejectUnauthorized: true, ca: pki.ca, servername: SERVER_NAME },
    });
    // Act
    unverified.start();
    verified.start();
    await waitUntil(
      () => verified.reached && unverified.problem?.includes(':') === true,
      5_000,
      'both probes',
    );
    await waitUntil(
      () => /cannot be reached.*(certificate|CERT|UNABLE)/.test(unverified.problem ?? ''),
      5_000,
      'the unverified attempt to fail',
    );
    // Assess: a TCP connect alone would have called the wrong CA reachable, and the bind then fails.
    expect(verified.problem).toBeUndefined();
    expect(unverified.reached).toBe(false);
    expect(unverified.problem).toContain(`127.0.0.1:${smsc.port}:`);
  });

  it('when a session binds first, then the probe counts as reached and stops trying', async () => {
    // Prepare
    const port = await freePort();
    const probe = probeOf({ hosts: [{ host: '127.0.0.1', port }] });
    probe.start();
    await waitUntil(() => probe.problem?.includes('ECONNREFUSED') === true, 5_000, 'a failed attempt');
    // Act
    probe.markReached();
    const smsc = await serve(createServer(), port);
    await elapse(400);
    // Assess
    expect({ reached: probe.reached, problem: probe.problem, connections: smsc.connections }).toEqual({
      reached: true,
      problem: undefined,
      connections: 0,
    });
  });
});
