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

  /** Whether the asker hears "go" within a moment (the keeper answers on loopback in well under one). */
  async function grantedSoon(asker: Asker): Promise<boolean> {
    const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), 300));
    return Promise.race([asker.granted.then(() => true), timeout]);
  }

  it('when two files ask to share, then both go at once', async () => {
    // Act
    const first = ask('shared');
    const second = ask('shared');
    // Assert
    expect(await grantedSoon(first)).toBe(true);
    expect(await grantedSoon(second)).toBe(true);
  });

  it('when a file asks to run alone beside a shared one, then it waits for it, and a shared one asking after it waits for it in turn', async () => {
    // Arrange
    const shared = ask('shared');
    await shared.granted;
    // Act
    const alone = ask('alone');
    expect(await grantedSoon(alone)).toBe(false);
    const later = ask('shared');
    expect(await grantedSoon(later)).toBe(false);
    shared.socket.end();
    // Assert
    expect(await grantedSoon(alone)).toBe(true);
    expect(await grantedSoon(later)).toBe(false);
    alone.socket.end();
    expect(await grantedSoon(later)).toBe(true);
  });

  it('when a file running alone dies without a word, then its turn passes on', async () => {
    // Arrange
    const alone = ask('alone');
    await alone.granted;
    const next = ask('alone');
    expect(await grantedSoon(next)).toBe(false);
    // Act
    alone.socket.destroy();
    // Assert
    expect(await grantedSoon(next)).toBe(true);
  });

  it('when a file asks for something else, then it is told what to ask and given no turn', async () => {
    // Act
    const asker = ask('both');
    await new Promise<void>((resolve) => asker.socket.once('close', () => resolve()));
    // Assert
    expect(asker.heard).toBe('error: ask "shared" or "alone", not "both"\n');
    expect(await grantedSoon(ask('alone'))).toBe(true);
  });
});
