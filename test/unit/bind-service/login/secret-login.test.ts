import { describe, expect, it } from 'vitest';
import { BindServiceConfigError, loadConfig } from '#bind-service/config.ts';
import { sessionSetup } from '#bind-service/login/session-setup.ts';
import { errorThrownBy } from '#test/helpers/errors.ts';
import { RESOURCES_ENV } from '../resources-env.ts';

// Which login a secret-backed account binds. The accounts file (and the CDK's AccountProps) names
// each login's systemId and keeps only its password in Secrets Manager: the secret may hold just
// `{ "password" }`, and a systemId in it must be the file's. The bind used the secret's systemId
// and required it, so the documented shape stopped the start, and a secret copied from another
// login silently sent the account's messages under that login (its sender names, its bill).

const ARN = 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:mkt-GhIjKl';
const FILE_ENTRY = {
  name: 'marketing',
  systemId: 'mkt-login',
  secretArn: ARN,
  host: 'smsc.test',
  port: 3700,
};

function secretHolding(value: object) {
  return async (secretId: string): Promise<string> => {
    if (secretId !== ARN) throw new Error(`unexpected secret ${secretId}`);
    return JSON.stringify(value);
  };
}

async function loginFrom(env: Record<string, string>, secret: object) {
  const config = loadConfig({ ...RESOURCES_ENV, ...env });
  const account = config.accounts[0];
  if (!account) throw new Error('no account');
  const { session } = await sessionSetup(account, config.aws, secretHolding(secret));
  return { systemId: session.systemId, password: session.password };
}

const fromFile = { SMPP_ACCOUNTS_JSON: JSON.stringify([FILE_ENTRY]) };

describe('the login of an account whose password is in Secrets Manager', () => {
  it('when the secret holds only the password, as documented, then the file’s systemId binds with it', async () => {
    // Act
    const login = await loginFrom(fromFile, { password: 'fake-mkt-password' });
    // Assess
    expect(login).toEqual({ systemId: 'mkt-login', password: 'fake-mkt-password' });
  });

  it('when the secret also holds the same systemId, then that login binds', async () => {
    // Act
    const login = await loginFrom(fromFile, { systemId: 'mkt-login', password: 'fake-mkt-password' });
    // Assess
    expect(login).toEqual({ systemId: 'mkt-login', password: 'fake-mkt-password' });
  });

  it('when the secret holds another login’s systemId, then the start is refused naming the account, the secret and the file’s systemId', async () => {
    // Act
    const error = await loginFrom(fromFile, { systemId: 'main-login', password: 'fake-main-password' }).catch(
      (e: unknown) => e,
    );
    // Assess
    expect(error).toBeInstanceOf(BindServiceConfigError);
    const { message } = error as BindServiceConfigError;
    expect(message).toContain('the secret’s systemId is not "mkt-login"');
    expect(message).toContain(`account "marketing", secret ${ARN}`);
    expect(message).not.toContain('fake-main-password');
  });

  it('when SMPP_SECRET_ARN comes with SMPP_SYSTEM_ID, then the secret needs only the password', async () => {
    // Act
    const login = await loginFrom(
      { SMPP_HOST: 'smsc.test', SMPP_SECRET_ARN: ARN, SMPP_SYSTEM_ID: 'mkt-login' },
      { password: 'fake-mkt-password' },
    );
    // Assess
    expect(login).toEqual({ systemId: 'mkt-login', password: 'fake-mkt-password' });
  });

  it('when SMPP_SECRET_ARN comes alone and the secret lacks the systemId, then the start error says the secret lacks it', async () => {
    // Act
    const error = await loginFrom(
      { SMPP_HOST: 'smsc.test', SMPP_SECRET_ARN: ARN },
      { password: 'fake-mkt-password' },
    ).catch((e: unknown) => e);
    // Assess
    expect(error).toBeInstanceOf(BindServiceConfigError);
    expect((error as BindServiceConfigError).message).toContain('the secret lacks a non-empty systemId');
  });

  it('when SMPP_SECRET_ARN comes with SMPP_PASSWORD, then the start is refused: the password is in one place only', () => {
    // Act
    const error = errorThrownBy(
      () =>
        loadConfig({
          ...RESOURCES_ENV,
          SMPP_HOST: 'smsc.test',
          SMPP_SECRET_ARN: ARN,
          SMPP_PASSWORD: 'fake-password',
        }),
      BindServiceConfigError,
    );
    // Assess
    expect(error.message).toContain('give either SMPP_SECRET_ARN or SMPP_PASSWORD, not both');
  });
});
