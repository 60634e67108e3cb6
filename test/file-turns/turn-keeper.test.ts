import { connect, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTurnKeeper, type TurnKeeper } from './turn-keeper.ts';

interface Asker {
  socket: Socket;
  /** Everything the keeper has said so far. */
  readonly heard: string;
  granted: Promise<void>;
}

describe('the turn keeper of the stack files', () => {
  let keeper: TurnKeeper;
  const askers: Socket[] = [];

  beforeEach(async () => {
    keeper = await startTurnKeeper();
  });
  afterEach(async () => {
    for (const socket of askers.splice(0)) socket.destroy();
    await keeper.close();
  });

  function ask(kind: string): Asker {
    const socket = connect(keeper.port, '127.0.0.1');
    askers.push(socket);
    let heard = '';
    socket.setEncoding('utf8');
    const granted = new Promise<void>((resolve) => {
      socket.on('data', (chunk: string) => {
        heard += chunk;
        if (heard === 'go\n') resolve();
      });
    });
    socket.write(`${kind}\n`);
    return {
      socket,
      get heard() {
        return heard;
      },
      granted,
    };
  }

  /**
   * Whether the asker is still without a turn after a moment (the keeper answers on loopback in well
   * under one). A turn that should come is awaited instead, bounded by the test's timeout, so a
   * loaded machine cannot fail it.
   */
  async function stillWaiting(asker: Asker): Promise<boolean> {
    const moment = new Promise<true>((resolve) => setTimeout(() => resolve(true), 300));
    return Promise.race([asker.granted.then(() => false), moment]);
  }

  it('when files ask to share with percents adding up to 100, then all go at once', async () => {
    // Act
    const files = [ask('shared 20'), ask('shared 45'), ask('shared 35')];
    // Assert
    await Promise.all(files.map((file) => file.granted));
    expect(files.map((file) => file.heard)).toEqual(['go\n', 'go\n', 'go\n']);
  });

  it('when a shared file would take the machine past 100 percent, then it waits for one to end, and a lighter one asking after it waits behind it', async () => {
    // Arrange
    const first = ask('shared 60');
    const second = ask('shared 30');
    await Promise.all([first.granted, second.granted]);
    // Act
    const heavy = ask('shared 40');
    expect(await stillWaiting(heavy)).toBe(true);
    const light = ask('shared 10');
    expect(await stillWaiting(light)).toBe(true);
    second.socket.end();
    // Assert: 60 + 40 fits, 60 + 40 + 10 does not
    await heavy.granted;
    expect(await stillWaiting(light)).toBe(true);
    first.socket.end();
    await light.granted;
    expect([heavy.heard, light.heard]).toEqual(['go\n', 'go\n']);
  });

  it('when a file asks to run alone beside a shared one, then it waits for it, and a shared one asking after it waits for it in turn', async () => {
    // Arrange
    const shared = ask('shared 10');
    await shared.granted;
    // Act
    const alone = ask('alone');
    expect(await stillWaiting(alone)).toBe(true);
    const later = ask('shared 10');
    expect(await stillWaiting(later)).toBe(true);
    shared.socket.end();
    // Assert
    await alone.granted;
    expect(await stillWaiting(later)).toBe(true);
    alone.socket.end();
    await later.granted;
    expect([alone.heard, later.heard]).toEqual(['go\n', 'go\n']);
  });

  it('when a file running alone dies without a word, then its turn passes on', async () => {
    // Arrange
    const alone = ask('alone');
    await alone.granted;
    const next = ask('alone');
    expect(await stillWaiting(next)).toBe(true);
    // Act
    alone.socket.destroy();
    // Assert
    await next.granted;
    expect(next.heard).toBe('go\n');
  });

  it.each(['both', 'shared', 'shared 0', 'shared 101', 'shared 12.5'])(
    'when a file asks "%s", then it is told what to ask and given no turn',
    async (line) => {
      // Act
      const asker = ask(line);
      await new Promise<void>((resolve) => asker.socket.once('close', () => resolve()));
      // Assert
      expect(asker.heard).toBe(
        `error: ask "shared <percent of the machine, 1-100>" or "alone", not "${line}"\n`,
      );
      const next = ask('alone');
      await next.granted;
      expect(next.heard).toBe('go\n');
    },
  );
});
