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

describe('RefusedLogins: a password longer than SMPP 3.4 allows', () => {
  // BIND's password is "Var. max 9" octets with its NUL (SMPP 3.4 §4.1.1): a server that cuts a
  // longer one refuses the login, and the operator hunts a wrong password that is right. A password
  // from Secrets Manager is known only once read, when the account's sessions are set up.

  function recordingLog(): { log: Logger; warnings: string[] } {
    const warnings: string[] = [];
    const log: Logger = {
      ...silentLogger,
      warn: (message: string) => {
        warnings.push(message);
      },
      child: () => log,
    };
    return { log, warnings };
  }

  it('when the login read from the secret at start has more than 8 characters, then one warning gives its length, never its value', () => {
    // Prepare
    const { log, warnings } = recordingLog();
    const password = 'fake-secret-password';
    // Act
    const refused = new RefusedLogins({
      reloadLogin: () => Promise.resolve({ systemId: 'acme', password }),
      password,
      systemId: 'acme',
      intervalMs: 10,
      log,
      fromSecret: true,
    });
    // Assess
    expect(warnings).toEqual([expect.stringContaining('password has 20 characters, more than the 8 ')]);
    expect(warnings.join('\n')).not.toContain(password);
    refused.stop();
  });

  it('when the long password was given in the settings, then it is not warned about here again (configWarnings did, naming its account)', () => {
    // Prepare
    const { log, warnings } = recordingLog();
    // Act
    const refused = new RefusedLogins({
      reloadLogin: () => Promise.resolve({ systemId: 'acme', password: 'fake-inline-password' }),
      password: 'fake-inline-password',
      systemId: 'acme',
      intervalMs: 10,
      log,
    });
    // Assess
    expect(warnings).toEqual([]);
    refused.stop();
  });

  it('when the login has 8 characters, then nothing is warned', () => {
    // Prepare
    const { log, warnings } = recordingLog();
    // Act
    const refused = new RefusedLogins({
      reloadLogin: () => Promise.resolve({ systemId: 'acme', password: 'fake-pw8' }),
      password: 'fake-pw8',
      systemId: 'acme',
      intervalMs: 10,
      log,
    });
    // Assess
    expect(warnings).toEqual([]);
    refused.stop();
  });

  it('when the password read after a refusal has more than 8 characters, then binding with it is warned about by length', async () => {
    // Prepare
    const { log, warnings } = recordingLog();
    const refused = new RefusedLogins({
      reloadLogin: () => Promise.resolve({ systemId: 'acme', password: 'fake-new-password' }),
      password: 'fake-old',
      systemId: 'acme',
      intervalMs: 10,
      log,
    });
    const session = new FakeSession();
    const off = refused.watch(session as unknown as SmppClient);
    // Act
    session.refuse();
    await waitUntil(() => warnings.length > 0, 2_000, 'the new password to be read');
    // Assess
    expect(warnings).toEqual([expect.stringContaining('password has 17 characters')]);
    expect(warnings.join('\n')).not.toContain('fake-new-password');
    off();
    refused.stop();
  });
});
