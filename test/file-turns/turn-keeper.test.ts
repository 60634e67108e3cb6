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

  it('when two files ask to share, then both go at once', async () => {
    // Act
    const first = ask('shared');
    const second = ask('shared');
    // Assert
    await Promise.all([first.granted, second.granted]);
    expect([first.heard, second.heard]).toEqual(['go\n', 'go\n']);
  });

  it('when a file asks to run alone beside a shared one, then it waits for it, and a shared one asking after it waits for it in turn', async () => {
    // Arrange
    const shared = ask('shared');
    await shared.granted;
    // Act
    const alone = ask('alone');
    expect(await stillWaiting(alone)).toBe(true);
    const later = ask('shared');
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

  it('when a file asks for something else, then it is told what to ask and given no turn', async () => {
    // Act
    const asker = ask('both');
    await new Promise<void>((resolve) => asker.socket.once('close', () => resolve()));
    // Assert
    expect(asker.heard).toBe('error: ask "shared" or "alone", not "both"\n');
    const next = ask('alone');
    await next.granted;
    expect(next.heard).toBe('go\n');
  });
});
