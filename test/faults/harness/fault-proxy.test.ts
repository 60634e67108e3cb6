import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { elapse, waitUntil } from '#test/helpers/wait.ts';
import { FaultProxy } from './fault-proxy.ts';

// The fault proxy's silent partition (fault case 31 stands on it): real sockets on loopback, an echo
// of what each side receives kept for the assertions.

interface Peer {
  socket: Socket;
  received: string;
  closed: boolean;
}

function watched(socket: Socket): Peer {
  const peer: Peer = { socket, received: '', closed: false };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    peer.received += chunk;
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    peer.closed = true;
  });
  return peer;
}

/** Loopback needs milliseconds; this only bounds a test that would otherwise hang. */
const WAIT_MS = 2_000;

const opened: { server?: Server; proxy?: FaultProxy; sockets: Socket[] } = { sockets: [] };

afterEach(async () => {
  for (const socket of opened.sockets) socket.destroy();
  opened.sockets = [];
  await opened.proxy?.close();
  const server = opened.server;
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  opened.server = undefined;
  opened.proxy = undefined;
});

/** A server behind a proxy; resolves with the proxy and each server-side peer as it connects. */
async function serverBehindProxy(): Promise<{ proxy: FaultProxy; upstreams: Peer[] }> {
  const upstreams: Peer[] = [];
  const server = createServer((socket) => {
    opened.sockets.push(socket);
    upstreams.push(watched(socket));
  });
  opened.server = server;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const proxy = new FaultProxy('127.0.0.1', address.port);
  opened.proxy = proxy;
  await proxy.listen();
  return { proxy, upstreams };
}

async function client(proxy: FaultProxy): Promise<Peer> {
  const socket = connect(proxy.port, '127.0.0.1');
  opened.sockets.push(socket);
  await once(socket, 'connect');
  return watched(socket);
}

describe('fault proxy: a silent partition', () => {
  it('when bytes are written both ways during a partition, then none crosses until it heals, and then all do', async () => {
    // Prepare
    const { proxy, upstreams } = await serverBehindProxy();
    const near = await client(proxy);
    await waitUntil(() => upstreams.length === 1, WAIT_MS, 'the upstream link');
    const far = upstreams[0] as Peer;
    near.socket.write('before;');
    await waitUntil(() => far.received === 'before;', WAIT_MS, 'bytes before the partition');
    // Act
    proxy.setMode('partition');
    near.socket.write('held up;');
    far.socket.write('held down;');
    await elapse(200);
    const duringPartition = { up: far.received, down: near.received };
    proxy.setMode('pass');
    // Assess
    expect(duringPartition).toEqual({ up: 'before;', down: '' });
    await waitUntil(
      () => far.received === 'before;held up;' && near.received === 'held down;',
      WAIT_MS,
      'held bytes',
    );
  });

  it('when one side closes during a partition, then the other learns only when it heals', async () => {
    // Prepare
    const { proxy, upstreams } = await serverBehindProxy();
    const near = await client(proxy);
    await waitUntil(() => upstreams.length === 1, WAIT_MS, 'the upstream link');
    const far = upstreams[0] as Peer;
    // Act
    proxy.setMode('partition');
    near.socket.destroy();
    await elapse(200);
    const farClosedDuringPartition = far.closed;
    proxy.setMode('pass');
    // Assess
    expect(farClosedDuringPartition).toBe(false);
    await waitUntil(() => far.closed, WAIT_MS, 'the far side to see the close');
  });

  it('when a connection is made during a partition, then it carries nothing and is reset when it heals', async () => {
    // Prepare
    const { proxy, upstreams } = await serverBehindProxy();
    proxy.setMode('partition');
    // Act
    const near = await client(proxy);
    near.socket.write('never;');
    await elapse(200);
    const upstreamsDuringPartition = upstreams.length;
    proxy.setMode('pass');
    // Assess
    expect(upstreamsDuringPartition).toBe(0);
    await waitUntil(() => near.closed, WAIT_MS, 'the held connection to be reset');
    expect(upstreams).toHaveLength(0);
    const after = await client(proxy);
    after.socket.write('after;');
    await waitUntil(() => upstreams[0]?.received === 'after;', WAIT_MS, 'a new connection after the heal');
  });
});
