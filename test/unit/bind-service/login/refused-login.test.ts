import { describe, expect, it } from 'vitest';
import { RefusedLogins } from '#bind-service/login/refused-login.ts';
import { BindCredentialsError, type SessionEvents, type SmppClient } from '#bind-service/smpp/index.ts';
import { type Logger, silentLogger } from '#core/observability/logger.ts';
import { elapse, waitUntil } from '#test/helpers/wait.ts';

// A session whose login was refused has the login secret read again every interval, until another
// password comes. Giving the slot up (watch()'s off switch) must end that for good: a recheck
// already reading the secret when the slot was given up rescheduled itself when the read failed,
// and read the secret, and warned, every interval for a session long gone.

type StoppedListener = (event: SessionEvents['stopped']) => void;

/** What RefusedLogins uses of a session: its state, its 'stopped' event and relogin(). */
class FakeSession {
  state = 'refused';
  private readonly listeners = new Set<StoppedListener>();

  on(_event: 'stopped', listener: StoppedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  refuse(): void {
    for (const listener of this.listeners)
      listener({ reason: 'bad-credentials', error: new BindCredentialsError(0x0e) });
  }

  relogin(): Promise<void> {
    return Promise.resolve();
  }
}

function countingWarnings(): { log: Logger; warnings: () => number } {
  let warnings = 0;
  const log: Logger = {
    ...silentLogger,
    warn: () => {
      warnings += 1;
    },
    child: () => log,
  };
  return { log, warnings: () => warnings };
}

describe('RefusedLogins: a session given up while its secret is rechecked', () => {
  it('when the secret read under way fails after the slot was given up, then the secret is not read again and nothing is warned', async () => {
    // Prepare: the first read hangs until the test fails it; any later one fails at once.
    let reads = 0;
    let failRead: (error: Error) => void = () => undefined;
    const { log, warnings } = countingWarnings();
    const refused = new RefusedLogins({
      reloadLogin: () => {
        reads += 1;
        if (reads === 1) return new Promise((_, reject) => (failRead = reject));
        return Promise.reject(new Error('AccessDeniedException'));
      },
      password: 'fake-old',
      systemId: 'acme',
      intervalMs: 10,
      log,
    });
    const session = new FakeSession();
    const off = refused.watch(session as unknown as SmppClient);
    session.refuse();
    await waitUntil(() => reads === 1, 2_000, 'the first recheck to read the secret');

    // Act: the slot is given up (its session stopped, forgotten) while the read is under way.
    session.state = 'stopped';
    off();
    failRead(new Error('SecretsManager unavailable'));
    await elapse(200);
    const readsAfter = reads;
    refused.stop();

    // Assess
    expect(readsAfter, 'secret reads for a session given up').toBe(1);
    expect(warnings(), 'warnings about a session given up').toBe(0);
  });

  it('when the secret cannot be read for a session still refused, then it is read again every interval', async () => {
    // Prepare
    let reads = 0;
    const refused = new RefusedLogins({
      reloadLogin: () => {
        reads += 1;
        return Promise.reject(new Error('AccessDeniedException'));
      },
      password: 'fake-old',
      systemId: 'acme',
      intervalMs: 10,
      log: silentLogger,
    });
    const session = new FakeSession();
    const off = refused.watch(session as unknown as SmppClient);

    // Act
    session.refuse();
    await waitUntil(() => reads >= 3, 2_000, 'the secret to be read again after failed reads');
    off();
    const readsAtOff = reads;
    await elapse(100);

    // Assess: the failed reads went on while the session was refused, and ended with it.
    expect(readsAtOff).toBeGreaterThanOrEqual(3);
    expect(reads).toBe(readsAtOff);
    refused.stop();
  });
});
