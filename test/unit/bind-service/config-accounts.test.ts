import { describe, expect, it } from 'vitest';
import { BindServiceConfigError, describeConfig, loadConfig } from '#bind-service/config.ts';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';
import { useAccountsFile } from '#test/helpers/accounts-file.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';
import { RESOURCES_ENV } from './resources-env.ts';

// The bind-service's accounts (issue 12): the SMPP_ACCOUNTS file, or one `default` account of the
// SMPP_* variables. The file is written to a temp directory.

const RESOURCES = RESOURCES_ENV;
const SECRET = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smpp-bulk';
const queue = (name: string) => `https://sqs.eu-west-1.amazonaws.com/1/${name}`;
const BULK_ACCOUNT_QUEUES = JSON.stringify({
  bulk: {
    urgent: queue('bulk-urgent'),
    bulk: queue('bulk-bulk'),
    urgentDlq: queue('bulk-urgent-dlq'),
    bulkDlq: queue('bulk-bulk-dlq'),
  },
});

describe('loadConfig with accounts', () => {
  const accountsFile = useAccountsFile();

  it('when SMPP_ACCOUNTS is unset, then there is one account "default" of SMPP_SYSTEM_TYPE, anyone may use it', () => {
    // Act
    const config = loadConfig({
      ...RESOURCES,
      SMPP_HOST: 'smpp.smscentre.com',
      SMPP_SYSTEM_ID: 'acme',
      SMPP_PASSWORD: 'fake-pw',
      SMPP_SYSTEM_TYPE: 'ISO',
    });
    // Assess
    expect(config.accounts).toHaveLength(1);
    expect(config.accounts[0]).toMatchObject({
      name: 'default',
      systemType: 'ISO',
      flags: { iso: true, single: false },
      senders: [],
      prefixes: [],
      smpp: { hosts: [{ host: 'smpp.smscentre.com', port: 3700 }] },
      queues: { urgent: { url: RESOURCES.URGENT_QUEUE_URL, dlqUrl: RESOURCES.URGENT_DLQ_URL } },
    });
  });

  it('when SMPP_ACCOUNTS names a file, then every account is a login of its own with its own queue pair', () => {
    // Prepare
    const file = accountsFile([
      {
        name: 'main',
        systemId: 'acme',
        secretArn: SECRET,
        host: 'smpp.smscentre.com',
        port: 3443,
        backupHost: 'smpp2.smscentre.com',
        systemType: 'MCON2',
        tls: true,
        throughput: 50,
        window: 500,
        binds: 2,
      },
      { name: 'bulk', systemId: 'acme-bulk', password: 'fake-pw', host: 'smpp.smscentre.com', port: 3700 },
    ]);
    // Act
    const config = loadConfig({ ...RESOURCES, SMPP_ACCOUNTS: file, ACCOUNT_QUEUES: BULK_ACCOUNT_QUEUES });
    // Assess
    expect(config.accounts.map((account) => account.name)).toEqual(['main', 'bulk']);
    expect(config.accounts[0].queues.bulk).toEqual({
      url: RESOURCES.BULK_QUEUE_URL,
      dlqUrl: RESOURCES.BULK_DLQ_URL,
    });
    expect(config.accounts[1]?.queues.bulk).toEqual({
      url: queue('bulk-bulk'),
      dlqUrl: queue('bulk-bulk-dlq'),
    });
    expect(config.accounts[1]?.smpp).toMatchObject({
      hosts: [{ host: 'smpp.smscentre.com', port: 3700 }],
      credentials: { kind: 'inline', systemId: 'acme-bulk', password: 'fake-pw' },
      throughput: 30,
      windowSize: 300,
      binds: 1,
    });
    expect(config.accounts[0].smpp).toMatchObject({
      hosts: [
        { host: 'smpp.smscentre.com', port: 3443 },
        { host: 'smpp2.smscentre.com', port: 3443 },
      ],
      credentials: { kind: 'secret', secretArn: SECRET },
      systemType: 'MCON2',
      flags: { mcon: 2, iso: false, single: false },
      tls: { enabled: true },
      throughput: 50,
      windowSize: 500,
      binds: 2,
    });
  });

  it('when a second account has no queue pair in ACCOUNT_QUEUES, then start-up fails naming the account', () => {
    // Prepare
    const file = accountsFile([
      { name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 3700 },
      { name: 'bulk', systemId: 'acme2', password: 'fake-pw', host: 'h', port: 3700 },
    ]);
    // Act
    const error = errorThrownBy(() => loadConfig({ ...RESOURCES, SMPP_ACCOUNTS: file }), AccountsConfigError);
    // Assess
    expect(error.variables).toEqual(['ACCOUNT_QUEUES']);
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: has no queues for account "bulk"; every account but the first drains a queue pair of its own',
    );
  });

  it('when a second account’s pair repeats the first account’s urgent queue, then start-up fails naming both', () => {
    // Prepare
    const file = accountsFile([
      { name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 3700 },
      { name: 'bulk', systemId: 'acme2', password: 'fake-pw', host: 'h', port: 3700 },
    ]);
    const pairs = JSON.parse(BULK_ACCOUNT_QUEUES) as { bulk: Record<string, string> };
    const repeated = JSON.stringify({ bulk: { ...pairs.bulk, urgent: RESOURCES.URGENT_QUEUE_URL } });
    // Act
    const error = errorThrownBy(
      () => loadConfig({ ...RESOURCES, SMPP_ACCOUNTS: file, ACCOUNT_QUEUES: repeated }),
      AccountsConfigError,
    );
    // Assess: before, it started with both logins draining sms-urgent; each rejected the other's
    // messages `wrong_queue`, to the dead-letter queue.
    expect(error.variables).toEqual(['ACCOUNT_QUEUES']);
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: "bulk".urgent is the same queue as URGENT_QUEUE_URL (the first account\'s)',
    );
  });

  it('when ACCOUNT_QUEUES gives the first account a pair too, then start-up fails naming it', () => {
    // Prepare
    const file = accountsFile([
      { name: 'bulk', systemId: 'acme2', password: 'fake-pw', host: 'h', port: 3700 },
      { name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 3700 },
    ]);
    const pairs = JSON.parse(BULK_ACCOUNT_QUEUES) as { bulk: Record<string, string> };
    const main = Object.fromEntries(Object.entries(pairs.bulk).map(([field, url]) => [field, `${url}-main`]));
    // Act
    const error = errorThrownBy(
      () =>
        loadConfig({
          ...RESOURCES,
          SMPP_ACCOUNTS: file,
          ACCOUNT_QUEUES: JSON.stringify({ ...pairs, main }),
        }),
      AccountsConfigError,
    );
    // Assess: the first account here is "bulk"; its pair would be published to and never drained.
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: "bulk" is the first account; its queues are URGENT_QUEUE_URL and BULK_QUEUE_URL, not a pair',
    );
  });

  it('when SMPP_ACCOUNTS is given with a per-login variable, then it is refused naming both', () => {
    // Prepare
    const file = accountsFile([
      { name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 3700 },
    ]);
    // Act
    const error = errorThrownBy(
      () => loadConfig({ ...RESOURCES, SMPP_ACCOUNTS: file, SMPP_HOST: 'other', SMPP_WINDOW: '10' }),
      BindServiceConfigError,
    );
    // Assess
    expect(error.variables).toEqual(['SMPP_HOST', 'SMPP_WINDOW', 'SMPP_ACCOUNTS']);
    expect(error.message).toContain('not used with SMPP_ACCOUNTS');
  });

  it('when the file is missing or breaks a rule, then start-up fails naming the file', () => {
    // Prepare
    const bad = accountsFile([{ name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 0 }]);
    // Act
    const missing = errorThrownBy(
      () => loadConfig({ ...RESOURCES, SMPP_ACCOUNTS: '/nonexistent/a.json' }),
      AccountsConfigError,
    );
    const invalid = errorThrownBy(
      () => loadConfig({ ...RESOURCES, SMPP_ACCOUNTS: bad }),
      AccountsConfigError,
    );
    // Assess
    expect(missing.message).toBe('Invalid SMPP_ACCOUNTS: cannot read /nonexistent/a.json (ENOENT)');
    expect(invalid.message).toContain(`Invalid SMPP_ACCOUNTS file ${bad}: [0] "main": port:`);
  });

  it('when the config is described for the log, then no account password appears', () => {
    // Prepare
    const file = accountsFile([
      { name: 'main', systemId: 'acme', password: 'fake-secret-pw-1', host: 'h', port: 3700 },
      { name: 'bulk', systemId: 'acme2', password: 'fake-secret-pw-2', host: 'h', port: 3700 },
    ]);
    // Act
    const config = loadConfig({ ...RESOURCES, SMPP_ACCOUNTS: file, ACCOUNT_QUEUES: BULK_ACCOUNT_QUEUES });
    const described = JSON.stringify(describeConfig(config));
    // Assess
    expect(described).not.toContain('fake-secret-pw');
    expect(described).toContain('"bulk"');
  });
});
