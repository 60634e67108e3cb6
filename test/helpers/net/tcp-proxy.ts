// A loopback TCP proxy a test can cut, to make a real server unreachable for one client (a network
// partition) while the test itself still talks to the server directly.
import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** From now on every connection through the proxy is dropped, open ones included. */
  cut(): void;
  close(): Promise<void>;
}

export interface TcpProxyOptions {
  /** Holds every chunk the server sends for this long before passing it on (a slow network back). */
  answerDelayMs?: number;
}

export async function startTcpProxy(
  target: { host: string; port: number },
  options: TcpProxyOptions = {},
): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = createServer((client) => {
    track(client);
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection(target);
    track(upstream);
    client.pipe(upstream);
    const delayMs = options.answerDelayMs ?? 0;
    if (delayMs > 0) {
      upstream.on('data', (chunk: Buffer) =>
        setTimeout(() => client.writable && client.write(chunk), delayMs),
      );
    } else {
      upstream.pipe(client);
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
