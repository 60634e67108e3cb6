import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '#core/domain/errors.ts';
import { planLogins, resolveLogin } from '../../../cdk/constructs/accounts/sender-login.ts';
import type { AccountProps, SmppProps } from '../../../cdk/constructs/props.ts';

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
    [
      'a defaultSender too long',
      { defaultSender: 'Far too long sender' },
      /^SmsSender: defaultSender must be 1-11 letters/,
    ],
    ['an empty defaultSender', { defaultSender: '' }, /^SmsSender: defaultSender must be 1-11 letters/],
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

  it('when several accounts are given a default sender the runtimes refuse, then the synth refuses it', () => {
    // Prepare
    const list = accounts({}, {});
    // Act
    const act = () => resolveLogin({ accounts: list, submit: { defaultSender: 'Brand!' } });
    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(/^SmsSender: defaultSender must be 1-11 letters.*"Brand!"$/);
  });

  it('when a default sender is given, then the login carries it for both runtimes; without one, none', () => {
    // Prepare
    const list = accounts({}, {});
    const [first] = list;
    const smpp = { host: 'smpp.smscentre.com', tls: true, credentials: (first as AccountProps).credentials };
    // Act
    const single = resolveLogin({ smpp: { ...smpp, defaultSender: '+4412345' } });
    const several = resolveLogin({ accounts: list, submit: { defaultSender: 'Brand' } });
    const without = resolveLogin({ smpp });
    // Assess
    expect(single).toMatchObject({ kind: 'single', smpp: { defaultSender: '+4412345' } });
    expect(several).toMatchObject({ kind: 'accounts', defaultSender: 'Brand' });
    expect(without.kind).toBe('single');
    expect(without.kind === 'single' && 'defaultSender' in without.smpp).toBe(false);
  });
});

describe('one login’s settings the bind-service would refuse at start', () => {
  function smppWith(fields: Partial<SmppProps>): SmppProps {
    const [first] = accounts({});
    return {
      host: 'smpp.smscentre.com',
      tls: true,
      credentials: (first as AccountProps).credentials,
      ...fields,
    };
  }

  it.each<[string, Partial<SmppProps>, RegExp]>([
    ['port 70000', { port: 70_000 }, /^SmsSender: smpp\.port: must be from 1 to 65535$/],
    ['port 0', { port: 0 }, /^SmsSender: smpp\.port: must be from 1 to 65535$/],
    ['throughput 200000', { throughput: 200_000 }, /^SmsSender: smpp\.throughput: .*100000/],
    ['windowSize 0', { windowSize: 0 }, /^SmsSender: smpp\.windowSize: must be at least 1$/],
    [
      'host "smpp.smscentre.com:3700"',
      { host: 'smpp.smscentre.com:3700' },
      /^SmsSender: smpp\.host: must be a host name or IP address alone/,
    ],
    [
      'backupHost "smpp2.smscentre.com:3700"',
      { backupHost: 'smpp2.smscentre.com:3700' },
      /smpp\.backupHost: must be a host name or IP address alone/,
    ],
    [
      'host " smpp.smscentre.com"',
      { host: ' smpp.smscentre.com' },
      /smpp\.host: must not start or end with blanks/,
    ],
    ['systemType "MCON0"', { systemType: 'MCON0' }, /^SmsSender: smpp\.systemType: /],
  ])(
    'when smpp has %s, then the synth fails naming the prop instead of the task at every start',
    (_, fields, message) => {
      // Act
      const act = () => resolveLogin({ smpp: smppWith(fields) });
      // Assess: before, the synth passed and the bind-service stopped at every start until the
      // deployment's circuit breaker rolled it back
      expect(act).toThrow(ConfigError);
      expect(act).toThrow(message);
    },
  );

  it('when every field is at its limit, then the login is taken', () => {
    // Act
    const login = resolveLogin({
      smpp: smppWith({
        port: 65_535,
        throughput: 100_000,
        windowSize: 100_000,
        systemType: 'MCON9',
        binds: 9,
      }),
    });
    // Assess
    expect(login.kind === 'single' && login.smpp).toMatchObject({
      port: 65_535,
      throughput: 100_000,
      binds: 9,
    });
  });

  it.each<[string, Partial<SmppProps>, string]>([
    [
      'a TLS client certificate',
      { tlsClientCertificate: certificate() },
      'tlsClientCertificate given with tls: false',
    ],
    ['a TLS server name', { tlsServerName: 'smpp.smscentre.com' }, 'tlsServerName given with tls: false'],
  ])(
    'when tls is false and %s is given, then the synth refuses it rather than deploying without it',
    (_, fields, message) => {
      // Act
      const act = () => resolveLogin({ smpp: smppWith({ tls: false, ...fields }) });
      // Assess: before, it was dropped and the login went out in clear text
      expect(act).toThrow(`SmsSender: smpp: ${message}; set tls: true`);
    },
  );

  it('when an account has tls false and a TLS client certificate, then the synth refuses it naming the account', () => {
    // Act
    const act = () =>
      resolveLogin({
        accounts: accounts({}, { name: 'bulk', tls: false, tlsClientCertificate: certificate() }),
      });
    // Assess
    expect(act).toThrow('SmsSender accounts: "bulk": tlsClientCertificate given with tls: false');
  });
});

function certificate(): secretsmanager.ISecret {
  return secretsmanager.Secret.fromSecretNameV2(new Stack(new App(), 'Tls'), 'Certificate', 'sms/tls');
}
