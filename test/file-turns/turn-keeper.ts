import { createServer, type Server, type Socket } from 'node:net';

// Who may run now: files that share the machine run two at a time, every other file alone. A test
// file asks over a loopback connection ("shared" or "alone", one line), is answered "go" when its
// turn comes, and holds it until the connection closes, so a file whose process dies gives its turn
// back too. A file that waits to run alone stops further shared files from starting, so it is not
// starved by a stream of them.

export type TurnKind = 'shared' | 'alone';

interface Waiting {
  kind: TurnKind;
  socket: Socket;
}

export interface TurnKeeper {
  port: number;
  close(): Promise<void>;
}

export async function startTurnKeeper(): Promise<TurnKeeper> {
  const waiting: Waiting[] = [];
  const holders = new Map<Socket, TurnKind>();

  const grant = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0] as Waiting;
      const kinds = [...holders.values()];
      const free = next.kind === 'alone' ? kinds.length === 0 : kinds.every((kind) => kind === 'shared');
      if (!free) return;
      waiting.shift();
      holders.set(next.socket, next.kind);
      next.socket.write('go\n');
    }
  };

  const server: Server = createServer((socket) => {
    let asked = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      asked += chunk;
      const end = asked.indexOf('\n');
      if (end < 0 || holders.has(socket) || waiting.some((entry) => entry.socket === socket)) return;
      const kind = asked.slice(0, end);
      if (kind !== 'shared' && kind !== 'alone') {
        socket.end(`error: ask "shared" or "alone", not "${kind}"\n`);
        return;
      }
      waiting.push({ kind, socket });
      grant();
    });
    socket.on('close', () => {
      holders.delete(socket);
      const index = waiting.findIndex((entry) => entry.socket === socket);
      if (index >= 0) waiting.splice(index, 1);
      grant();
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the turn keeper has no port');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of [...holders.keys(), ...waiting.map((entry) => entry.socket)]) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
