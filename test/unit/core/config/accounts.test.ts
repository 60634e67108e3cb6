import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accountsFromFile, perLoginVariablesGiven } from '#core/config/accounts.ts';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';

// SMPP_ACCOUNTS names a file (local mode, other tools); SMPP_ACCOUNTS_JSON carries the same JSON
// inline (CDK in AWS). Exactly one of the two, through the one parser.

const ENTRY = {
  name: 'main',
  systemId: 'login1',
  secretArn: 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:sms/main-AbCdEf',
  host: 'smpp.smscentre.com',
  port: 3700,
};

describe('accounts from SMPP_ACCOUNTS or SMPP_ACCOUNTS_JSON', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('when SMPP_ACCOUNTS_JSON holds the accounts, then they are parsed as the file would be', () => {
    // Prepare
    const env = {
      SMPP_ACCOUNTS_JSON: JSON.stringify([ENTRY, { ...ENTRY, name: 'bulk', systemId: 'login2' }]),
    };
    // Act
    const accounts = accountsFromFile(env);
    // Assess
    expect(accounts?.map((account) => account.name)).toEqual(['main', 'bulk']);
    expect(accounts?.[0].login.credentials).toEqual({ kind: 'secret', secretArn: ENTRY.secretArn });
  });

  it('when SMPP_ACCOUNTS_JSON has an invalid entry, then the error names the variable, the entry and the field', () => {
    // Prepare
    const env = { SMPP_ACCOUNTS_JSON: JSON.stringify([{ ...ENTRY, port: 70_000 }]) };
    // Act
    const act = () => accountsFromFile(env);
    // Assess
    expect(act).toThrow(AccountsConfigError);
    expect(act).toThrow(/SMPP_ACCOUNTS_JSON.*\[0\] "main": port: must be from 1 to 65535/);
  });

  it('when both the file and the inline JSON are given, then both are refused by name', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'accounts-'));
    dirs.push(dir);
    const file = join(dir, 'accounts.json');
    writeFileSync(file, JSON.stringify([ENTRY]));
    const env = { SMPP_ACCOUNTS: file, SMPP_ACCOUNTS_JSON: JSON.stringify([ENTRY]) };
    // Act
    const act = () => accountsFromFile(env);
    // Assess
    expect(act).toThrow(/give either SMPP_ACCOUNTS \(a file\) or SMPP_ACCOUNTS_JSON \(its JSON\), not both/);
  });

  it('when neither is set (or both are empty), then there is no accounts list', () => {
    // Act
    const accounts = accountsFromFile({ SMPP_ACCOUNTS: '', SMPP_ACCOUNTS_JSON: '' });
    // Assess
    expect(accounts).toBeUndefined();
  });

  it('when both hold only blanks, then there is no accounts list and no per-login variable counts as given', () => {
    // Act
    const accounts = accountsFromFile({ SMPP_ACCOUNTS: ' ', SMPP_ACCOUNTS_JSON: '\t' });
    const perLogin = perLoginVariablesGiven({ SMPP_HOST: ' ', SMPP_WINDOW: '\t', SMPP_BINDS: '2' });
    // Assess
    expect(accounts).toBeUndefined();
    expect(perLogin).toEqual(['SMPP_BINDS']);
  });
});
