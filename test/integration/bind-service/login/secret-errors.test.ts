import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BindServiceConfigError, loadConfig } from '#bind-service/config.ts';
import { sessionSetup } from '#bind-service/login/session-setup.ts';
import { SecretsStandIn } from '#test/faults/harness/secrets-stand-in.ts';
import { useAccountsFile } from '#test/helpers/accounts-file.ts';
import { RESOURCES_ENV } from '../../../unit/bind-service/resources-env.ts';

// Several accounts, each with its own login secret (as CDK deploys them): a secret the start cannot
// use names its account and ARN. The real Secrets Manager client, against a loopback stand-in.

const MAIN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smpp-main';
const BULK = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smpp-bulk';
const queue = (name: string) => `https://sqs.eu-west-1.amazonaws.com/1/${name}`;
const ACCOUNT_QUEUES = JSON.stringify({
  bulk: {
    urgent: queue('bulk-urgent'),
    bulk: queue('bulk-bulk'),
    urgentDlq: queue('bulk-urgent-dlq'),
    bulkDlq: queue('bulk-bulk-dlq'),
  },
});

describe('bind-service login secrets of several accounts (Secrets Manager stand-in)', () => {
  const accountsFile = useAccountsFile();
  const secrets = new SecretsStandIn();
  let endpoint = '';

  beforeAll(async () => {
    endpoint = await secrets.listen();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await secrets.close();
  });

  /** The start's error: each account's login and TLS read in turn, as prepareAccount does. */
  async function startError(bulkArn: string): Promise<unknown> {
    const file = accountsFile([
      { name: 'main', systemId: 'acme', secretArn: MAIN, host: '127.0.0.1', port: 3700, systemType: '' },
      { name: 'bulk', systemId: 'acme2', secretArn: bulkArn, host: '127.0.0.1', port: 3700, systemType: '' },
    ]);
    const config = loadConfig({
      ...RESOURCES_ENV,
      SMPP_ACCOUNTS: file,
      ACCOUNT_QUEUES,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint,
    });
    try {
      for (const account of config.accounts) await sessionSetup(account, config.aws, undefined);
    } catch (error) {
      return error;
    }
    throw new Error('expected the start to fail');
  }

  it('when the second account’s secret lacks its password, then the error names that account and secret', async () => {
    // Prepare
    secrets.set(MAIN, JSON.stringify({ systemId: 'acme', password: 'fake-main' }));
    secrets.set(BULK, JSON.stringify({ systemId: 'acme2' }));
    // Act
    const error = await startError(BULK);
    // Assess: before, "SMPP_SECRET_ARN: the secret lacks a non-empty password", no account, no ARN.
    expect(error).toBeInstanceOf(BindServiceConfigError);
    expect(String((error as Error).message)).toContain(`account "bulk", secret ${BULK}`);
  });

  it('when the second account’s secretArn names no secret, then a configuration error names the account and ARN', async () => {
    // Prepare
    secrets.set(MAIN, JSON.stringify({ systemId: 'acme', password: 'fake-main' }));
    const missing = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:smpp-typo';
    // Act
    const error = await startError(missing);
    // Assess: before, the SDK's own error, naming nothing.
    expect(error).toBeInstanceOf(BindServiceConfigError);
    expect(String((error as Error).message)).toContain(`account "bulk", secret ${missing}`);
  });
});
