import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { planLogins, resolveLogin } from '../../../cdk/constructs/accounts/sender-login.ts';
import type { AccountProps } from '../../../cdk/constructs/props.ts';

// How several accounts are sized: each login's binds are slots the tasks share (bind-limits.ts), so a
// login keeps its whole rate (each task sends its share by the slots it holds), its queue pair's
// visibility allows for the slowest share, and new tasks always start before old ones stop. Pure: no
// synth.

function accounts(...extra: Partial<AccountProps>[]): AccountProps[] {
  const stack = new Stack(new App(), 'Plan');
  const credentials = secretsmanager.Secret.fromSecretNameV2(stack, 'Login', 'sms/login');
  return extra.map((fields, index) => ({
    name: `account${index}`,
    systemId: `login${index}`,
    credentials,
    host: 'smpp.smscentre.com',
    tls: true,
    ...fields,
  }));
}

describe('logins of several accounts', () => {
  it('when two tasks share two accounts, then each login keeps its whole rate and new tasks start before old ones stop', () => {
    // Prepare
    const props = {
      accounts: accounts(
        { systemType: 'MCON4', throughput: 40, binds: 4 },
        { systemType: 'MCON2', throughput: 10 },
      ),
    };
    // Act
    const login = resolveLogin(props);
    const plan = planLogins(login, 2);
    // Assess
    expect(login.kind === 'accounts' && login.accounts.map((account) => account.throughput)).toEqual([
      40, 10,
    ]);
    expect(plan).toMatchObject({ minHealthyPercent: 100, maxHealthyPercent: 200 });
    expect(login.logins.map(({ name, binds }) => [name, binds])).toEqual([
      ['account0', 4],
      ['account1', 1],
    ]);
  });

  it('when a login has several slots, then its queue pair waits for a task holding one slot: window / (rate / binds)', () => {
    // Prepare: window 300 at 40 msg/s over 4 slots: a one-slot task sends 10 msg/s.
    const login = resolveLogin({
      accounts: accounts({ systemType: 'MCON4', throughput: 40, binds: 4, window: 300 }),
    });
    // Act
    const [only] = login.logins;
    // Assess: 300 / 10 + the 30 s response timeout + 10 s of margin.
    expect(only?.minVisibilitySeconds).toBe(70);
  });

  it('when an account has more binds than its MCON, then the synth refuses it, naming the account', () => {
    // Act
    const act = () => resolveLogin({ accounts: accounts({}, { name: 'bulk', binds: 2 }) });
    // Assess
    expect(act).toThrow(/"bulk": binds: 2 binds need systemType to carry MCONn/);
  });

  it('when both smpp and accounts are given, then the sender refuses them', () => {
    // Prepare
    const [first] = accounts({});
    const smpp = { host: 'smpp.smscentre.com', tls: true, credentials: (first as AccountProps).credentials };
    // Act
    const act = () => resolveLogin({ smpp, accounts: [first as AccountProps] });
    // Assess
    expect(act).toThrow('SmsSender: give either smpp (one login) or accounts (several), not both');
  });

  it.each([
    [
      'responseTimeoutSeconds 180',
      { responseTimeoutSeconds: 180 },
      /responseTimeoutSeconds must be above 0 and at most 120/,
    ],
    ['responseTimeoutSeconds 0', { responseTimeoutSeconds: 0 }, /responseTimeoutSeconds must be above 0/],
    ['maxParts 300', { maxParts: 300 }, /maxParts must be a whole number from 1 to 255/],
    ['maxParts 2.5', { maxParts: 2.5 }, /maxParts must be a whole number/],
  ])(
    'when one login is given %s, then the synth refuses it (the runtimes would refuse it at start)',
    (_, fields, message) => {
      // Prepare
      const [first] = accounts({});
      const smpp = {
        host: 'smpp.smscentre.com',
        tls: true,
        credentials: (first as AccountProps).credentials,
        ...fields,
      };
      // Act
      const act = () => resolveLogin({ smpp });
      // Assess
      expect(act).toThrow(message);
    },
  );

  it('when several accounts are given submit settings beyond the runtimes’ limits, then the synth refuses them', () => {
    // Prepare
    const list = accounts({}, {});
    // Act
    const act = () => resolveLogin({ accounts: list, submit: { maxParts: 300 } });
    // Assess
    expect(act).toThrow(/maxParts must be a whole number from 1 to 255/);
  });
});
