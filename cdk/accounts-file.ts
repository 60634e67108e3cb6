import { readFileSync } from 'node:fs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { parseAccounts } from '#core/domain/accounts/parse-accounts.ts';
import type { AccountProps } from './constructs/props.ts';

// `cdk deploy -c accountsFile=accounts.json`: the SMPP_ACCOUNTS file's shape (docs/accounts.md),
// with every login's `secretArn` instead of its `password`. Checked by the parser the runtimes use,
// after two AWS-only rules: no password (it would be written into the template, readable by anyone
// who can read the stack) and no PEM file paths (the task has no such files: tls.secretArn).

/** What this check refuses before the parser sees the file; the caller wraps it as its own error. */
export class AccountsFileError extends Error {}

function problemsOf(raw: unknown): string[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const record = entry as Record<string, unknown>;
    const label = typeof record.name === 'string' ? `[${index}] "${record.name}"` : `[${index}]`;
    const problems: string[] = [];
    if ('password' in record) {
      problems.push(
        `${label}: password: not used in AWS, a password would be written into the CloudFormation template; store {"systemId","password"} in Secrets Manager and give its "secretArn"`,
      );
    }
    const tls = record.tls;
    if (typeof tls === 'object' && tls !== null) {
      const paths = ['ca', 'cert', 'key'].filter((field) => field in tls);
      if (paths.length > 0) {
        problems.push(
          `${label}: tls.${paths.join(', tls.')}: PEM file paths are for local mode; in AWS give tls.secretArn (a secret {"cert","key","ca"?})`,
        );
      }
    }
    return problems;
  });
}

/**
 * A complete ARN ends in the 6 characters Secrets Manager appends; without them it is partial
 * (the name), and the grant must then match any suffix.
 */
function secretOf(scope: Construct, id: string, arn: string): secretsmanager.ISecret {
  return /-[A-Za-z0-9]{6}$/.test(arn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, arn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, arn);
}

/** The accounts of `file` as SmsSender props; throws naming the file, the entry and the field. */
export function accountsFromContextFile(scope: Construct, file: string): AccountProps[] {
  let json: string;
  try {
    json = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AccountsFileError(
      `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    raw = undefined; // the parser says why, in its words
  }
  const problems = problemsOf(raw);
  if (problems.length > 0) throw new AccountsFileError(`${file}: ${problems.join('; ')}`);
  return parseAccounts(json, file).map((account): AccountProps => {
    const { login } = account;
    const [primary, backup] = login.hosts;
    if (login.credentials.kind !== 'secret' || !primary) throw new AccountsFileError(`${file}: no secretArn`);
    const { tls } = login;
    return {
      name: account.name,
      systemId: login.systemId,
      credentials: secretOf(scope, `AccountSecret-${account.name}`, login.credentials.secretArn),
      host: primary.host,
      port: primary.port,
      ...(backup ? { backupHost: backup.host } : {}),
      systemType: account.systemType,
      tls: tls.enabled,
      ...(tls.secretArn
        ? { tlsClientCertificate: secretOf(scope, `AccountTlsSecret-${account.name}`, tls.secretArn) }
        : {}),
      ...(tls.servername ? { tlsServerName: tls.servername } : {}),
      throughput: login.throughput,
      window: login.window,
      binds: login.binds,
      senders: account.senders,
      prefixes: account.prefixes,
      ...(account.principals ? { principals: account.principals } : {}),
    };
  });
}
