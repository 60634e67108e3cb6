import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountsConfigError } from '#core/domain/accounts/account.ts';
import { AppConfigError, senderPropsFromContext } from '../../../cdk/app-config.ts';
import type { AccountProps } from '../../../cdk/constructs/props.ts';
import { SmsSender } from '../../../cdk/constructs/sms-sender.ts';
import { synthesise } from '../synth.ts';

// What fails the synth of several accounts, each with a message naming the file or prop, the entry
// and the field: a password (it would be in the template), PEM paths, anything the runtimes' parser
// refuses, and a Lambda environment over 4 KB. Most fail before any synth; one synth for the last.

const SECRET = 'arn:aws:secretsmanager:eu-central-1:111111111111:secret:sms/main-AbCdEf';
const ENTRY = {
  name: 'main',
  systemId: 'login-main',
  secretArn: SECRET,
  host: 'smpp.smscentre.com',
  port: 3443,
};

describe('accounts refused at synth', () => {
  let dir: string;
  const fileWith = (entries: unknown[]): string => {
    const file = join(dir, `accounts-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(entries));
    return file;
  };
  const propsFrom = (context: Record<string, unknown>) =>
    senderPropsFromContext(new Stack(new App(), 'Config'), (key) => context[key]);

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdk-accounts-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the file gives an account its password, then the synth fails saying secrets stay out of the template', () => {
    // Prepare
    const { secretArn: _arn, ...withoutSecret } = ENTRY;
    const file = fileWith([ENTRY, { ...withoutSecret, name: 'bulk', password: 'not-a-real-password' }]);
    // Act
    const act = () => propsFrom({ accountsFile: file });
    // Assess
    expect(act).toThrow(AppConfigError);
    expect(act).toThrow(/\[1\] "bulk": password: not used in AWS.*CloudFormation template.*"secretArn"/);
    expect(act).not.toThrow(/not-a-real-password/);
  });

  it('when the file gives TLS PEM paths, then the synth fails asking for tls.secretArn', () => {
    // Prepare
    const file = fileWith([{ ...ENTRY, tls: { cert: 'client.pem', key: 'client.key' } }]);
    // Act
    const act = () => propsFrom({ accountsFile: file });
    // Assess
    expect(act).toThrow(
      /\[0\] "main": tls.cert, tls.key: PEM file paths are for local mode; in AWS give tls.secretArn/,
    );
  });

  it('when an account of the file breaks a rule, then the synth fails with the parser’s message naming the field', () => {
    // Prepare
    const file = fileWith([ENTRY, { ...ENTRY, name: 'bulk', systemId: 'login-bulk', binds: 2 }]);
    // Act
    const act = () => propsFrom({ accountsFile: file });
    // Assess
    expect(act).toThrow(AccountsConfigError);
    expect(act).toThrow(
      `Invalid SMPP_ACCOUNTS file ${file}: [1] "bulk": binds: 2 binds need systemType to carry MCONn with n >= 2`,
    );
  });

  it('when smpp context keys are given beside accountsFile, then both are refused by name', () => {
    // Prepare
    const file = fileWith([ENTRY]);
    // Act
    const act = () => propsFrom({ accountsFile: file, smppHost: 'smpp.example.com' });
    // Assess
    expect(act).toThrow(/context smppHost: not used with accountsFile/);
  });

  it('when defaultSender is given beside accountsFile, then every account shares it (submit), not refused as a login key', () => {
    // Prepare
    const file = fileWith([ENTRY]);
    // Act
    const props = propsFrom({ accountsFile: file, defaultSender: 'Brand' });
    // Assess
    expect(props.submit).toEqual({ defaultSender: 'Brand' });
    expect(props.smpp).toBeUndefined();
  });

  it('when defaultSender beside accountsFile is not a sender id, then the synth fails naming the key', () => {
    // Prepare
    const file = fileWith([ENTRY]);
    // Act
    const act = () => propsFrom({ accountsFile: file, defaultSender: 'Far too long sender' });
    // Assess
    expect(act).toThrow(AppConfigError);
    expect(act).toThrow(/^context defaultSender: must be 1-11 letters/);
  });

  it('when the construct is given an invalid account, then it fails with the parser’s message naming the prop and field', () => {
    // Prepare
    const accountsIn = (stack: Stack): AccountProps[] => {
      const credentials = secretsmanager.Secret.fromSecretNameV2(stack, 'Login', 'sms/main');
      const login = { credentials, host: 'smpp.smscentre.com', tls: true };
      return [
        { ...login, name: 'main', systemId: 'login-main' },
        { ...login, name: 'bulk', systemId: 'login-2', prefixes: ['44'] },
      ];
    };
    // Act
    const act = () => {
      const stack = new Stack(new App(), 'Construct');
      return new SmsSender(stack, 'Sender', { accounts: accountsIn(stack) });
    };
    // Assess
    expect(act).toThrow(AccountsConfigError);
    expect(act).toThrow(
      /^Invalid SMPP_ACCOUNTS file SmsSender accounts: \[1\] "bulk": prefixes\.0: must be "\+" and 1-15 digits/,
    );
  });

  it('when the accounts would take the api Lambda’s environment over 4 KB, then the synth fails naming the function and the variables', () => {
    // Prepare
    const names = ['main', 'a1', 'a2', 'a3', 'a4', 'a5'];
    const override = (_props: unknown, stack: Stack) => ({
      accounts: names.map(
        (name): AccountProps => ({
          name,
          systemId: `login-${name}`,
          credentials: secretsmanager.Secret.fromSecretCompleteArn(stack, `Secret-${name}`, SECRET),
          host: 'smpp.smscentre.com',
          tls: true,
          principals: [`arn:aws:iam::111111111111:role/orders-${name}`],
        }),
      ),
    });
    // Act
    const act = () => synthesise({ override });
    // Assess
    expect(act).toThrow(
      /environment of SmsSender\/SmsSender\/ApiHandler\/Function takes up to \d+ bytes, over Lambda's 4096-byte limit \(largest: ACCOUNT_QUEUES/,
    );
  });
});
