import { createServer, type Server, type Socket } from 'node:net';

// Who may run now: files that leave the machine mostly idle run together while the shares of the
// machine they were measured to keep busy add up to no more than all of it, every other file alone.
// A test file asks over a loopback connection, one line: "shared <percent>" or "alone". It is
// answered "go" when its turn comes and holds it until the connection closes, so a file whose
// process dies gives its turn back too. Turns are given in the order asked: a file that waits to run
// alone stops further shared files from starting, so it is not starved by a stream of them, and a
// shared file that does not fit yet is not overtaken either.

/** The whole machine, in the percent a shared file asks for. */
const MACHINE_PERCENT = 100;

type TurnAsked = { kind: 'shared'; percent: number } | { kind: 'alone' };

interface Waiting {
  asked: TurnAsked;
  socket: Socket;
}

export interface TurnKeeper {
  port: number;
  close(): Promise<void>;
}

/** What one line asks for, or why it asks for nothing the keeper gives. */
function parseTurnAsked(line: string): TurnAsked | { error: string } {
  if (line === 'alone') return { kind: 'alone' };
  const shared = /^shared (\d{1,3})$/.exec(line);
  const percent = Number(shared?.[1]);
  if (shared && percent >= 1 && percent <= MACHINE_PERCENT) return { kind: 'shared', percent };
  return { error: `ask "shared <percent of the machine, 1-${MACHINE_PERCENT}>" or "alone", not "${line}"` };
}

export async function startTurnKeeper(): Promise<TurnKeeper> {
  const waiting: Waiting[] = [];
  const holders = new Map<Socket, TurnAsked>();

  const fits = (asked: TurnAsked): boolean => {
    if (holders.size === 0) return true;
    if (asked.kind === 'alone') return false;
    let busy = 0;
    for (const held of holders.values()) {
      if (held.kind === 'alone') return false;
      busy += held.percent;
    }
    return busy + asked.percent <= MACHINE_PERCENT;
  };

  const grant = (): void => {
    while (waiting.length > 0) {
      const next = waiting[0] as Waiting;
      if (!fits(next.asked)) return;
      waiting.shift();
      holders.set(next.socket, next.asked);
      next.socket.write('go\n');
    }
  };

  const server: Server = createServer((socket) => {
    let said = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      said += chunk;
      const end = said.indexOf('\n');
      if (end < 0 || holders.has(socket) || waiting.some((entry) => entry.socket === socket)) return;
      const asked = parseTurnAsked(said.slice(0, end));
      if ('error' in asked) {
        socket.end(`error: ${asked.error}\n`);
        return;
      }
      waiting.push({ asked, socket });
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
