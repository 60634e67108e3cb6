import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { planLogins, resolveLogin } from '../../cdk/constructs/accounts/sender-login.ts';
import { BindLimitsError } from '../../cdk/constructs/compute/bind-limits.ts';
import type { AccountProps } from '../../cdk/constructs/props.ts';

// How several accounts are sized until sessions are shared across tasks (bind-limits.ts unchanged):
// each login planned alone, the strictest deployment strategy wins, each rate divided among tasks
// as `smpp`'s is. Pure: no synth.

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
  it('when two tasks share two accounts, then each gets half of each rate and the strictest strategy applies', () => {
    // Prepare
    const props = {
      accounts: accounts({ systemType: 'MCON4', throughput: 40 }, { systemType: 'MCON2', throughput: 10 }),
    };
    // Act
    const login = resolveLogin(props, 2);
    const plan = planLogins(login, 2);
    // Assess
    expect(login.kind === 'accounts' && login.taskAccounts.map((account) => account.throughput)).toEqual([
      20, 5,
    ]);
    expect(plan.strategy).toBe('stop-before-start'); // MCON2 with 2 tasks leaves no room for a third session
    expect(login.logins.map(({ name, binds }) => [name, binds])).toEqual([
      ['account0', 1],
      ['account1', 1],
    ]);
  });

  it('when every account leaves room for a second set of tasks, then new tasks start before old ones stop', () => {
    // Prepare
    const login = resolveLogin(
      { accounts: accounts({ systemType: 'MCON2' }, { systemType: 'MCON4', binds: 2 }) },
      1,
    );
    // Act
    const plan = planLogins(login, 1);
    // Assess
    expect(plan.strategy).toBe('start-before-stop');
  });

  it('when one account has fewer sessions than its tasks need, then the error names that account', () => {
    // Prepare
    const login = resolveLogin({ accounts: accounts({}, { name: 'bulk' }) }, 2);
    // Act
    const act = () => planLogins(login, 2);
    // Assess
    expect(act).toThrow(BindLimitsError);
    expect(act).toThrow(
      /^account "account0": 2 task\(s\) × 1 bind\(s\) = 2 sessions, but the login allows 1/,
    );
  });

  it('when both smpp and accounts are given, then the sender refuses them', () => {
    // Prepare
    const [first] = accounts({});
    const smpp = { host: 'smpp.smscentre.com', tls: true, credentials: (first as AccountProps).credentials };
    // Act
    const act = () => resolveLogin({ smpp, accounts: [first as AccountProps] }, 1);
    // Assess
    expect(act).toThrow('SmsSender: give either smpp (one login) or accounts (several), not both');
  });
});
