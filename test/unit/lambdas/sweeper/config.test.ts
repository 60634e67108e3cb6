import { describe, expect, it } from 'vitest';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';
import { loadSweeperConfig, SweeperConfigError } from '#lambdas/sweeper/config.ts';
import { useAccountsFile } from '#test/helpers/accounts-file.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';

// The sweeper puts each `accepted` record back on its account's queue. A record of an account
// without a pair would go to the first account's queue, whose bind-service rejects it
// (`wrong_queue`) instead of sending it: given the accounts, the sweeper refuses to start then, as
// the API and the bind-service do (docs/accounts.md).

const queue = (name: string) => `https://sqs.eu-west-1.amazonaws.com/1/${name}`;
const RESOURCES = {
  MESSAGES_TABLE: 'messages',
  URGENT_QUEUE_URL: queue('urgent'),
  BULK_QUEUE_URL: queue('bulk'),
  AWS_REGION: 'eu-west-1',
};
const ACCOUNTS = [
  { name: 'main', systemId: 'acme', password: 'fake-pw', host: 'h', port: 3700 },
  { name: 'marketing', systemId: 'acme2', password: 'fake-pw', host: 'h', port: 3700 },
];
const MARKETING_QUEUES = {
  urgent: queue('marketing-urgent'),
  bulk: queue('marketing-bulk'),
  urgentDlq: queue('marketing-urgent-dlq'),
  bulkDlq: queue('marketing-bulk-dlq'),
};

describe('loadSweeperConfig: accounts and their queue pairs', () => {
  const accountsFile = useAccountsFile();

  it('when SMPP_ACCOUNTS names a second account without an ACCOUNT_QUEUES pair, then start-up fails naming the account', () => {
    // Prepare
    const file = accountsFile(ACCOUNTS);
    // Act
    const error = errorThrownBy(
      () => loadSweeperConfig({ ...RESOURCES, SMPP_ACCOUNTS: file }),
      AccountsConfigError,
    );
    // Assess
    expect(error.variables).toEqual(['ACCOUNT_QUEUES']);
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: has no queues for account "marketing"; every account but the first drains a queue pair of its own',
    );
  });

  it('when SMPP_ACCOUNTS_JSON lists the accounts and every one but the first has a pair, then each pair is the sweeper’s', () => {
    // Prepare
    const env = {
      ...RESOURCES,
      SMPP_ACCOUNTS_JSON: JSON.stringify(ACCOUNTS),
      ACCOUNT_QUEUES: JSON.stringify({ marketing: MARKETING_QUEUES }),
    };
    // Act
    const config = loadSweeperConfig(env);
    // Assess
    expect(config.accountQueues).toEqual({
      marketing: { urgent: MARKETING_QUEUES.urgent, bulk: MARKETING_QUEUES.bulk },
    });
  });

  it('when a second account’s pair repeats BULK_QUEUE_URL, then start-up fails naming it', () => {
    // Prepare
    const env = {
      ...RESOURCES,
      SMPP_ACCOUNTS_JSON: JSON.stringify(ACCOUNTS),
      ACCOUNT_QUEUES: JSON.stringify({ marketing: { ...MARKETING_QUEUES, bulk: RESOURCES.BULK_QUEUE_URL } }),
    };
    // Act
    const error = errorThrownBy(() => loadSweeperConfig(env), AccountsConfigError);
    // Assess
    expect(error.message).toBe(
      'Invalid ACCOUNT_QUEUES: "marketing".bulk is the same queue as BULK_QUEUE_URL (the first account\'s)',
    );
  });
});

describe('loadSweeperConfig: settings', () => {
  it.each(['SWEEP_AGE_SECONDS', 'SWEEP_MAX_PER_RUN', 'SWEEP_CONCURRENCY'])(
    'when %s holds only blanks, then its default applies instead of a refused or zero value',
    (variable) => {
      // Act
      const { sweep } = loadSweeperConfig({ ...RESOURCES, [variable]: '  ' });
      // Assess
      expect(sweep).toEqual({ ageSeconds: 300, lookbackHours: 24, maxPerRun: 1_000, concurrency: 8 });
    },
  );

  it.each(['300000', '1e15'])(
    'when SWEEP_AGE_SECONDS is %s (beyond a day), then the start is refused naming the unit and the maximum',
    (value) => {
      // Act
      const error = errorThrownBy(
        () => loadSweeperConfig({ ...RESOURCES, SWEEP_AGE_SECONDS: value }),
        SweeperConfigError,
      );
      // Assess: milliseconds written for seconds left a lost enqueue waiting 3.5 days, and an age
      // past a Date's range failed every run with a RangeError
      expect(error.message).toContain('SWEEP_AGE_SECONDS: must be at most 86400 seconds (a day)');
    },
  );
});
