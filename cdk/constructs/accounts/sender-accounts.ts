import { Stack, Token } from 'aws-cdk-lib';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { AccountEntryInput } from '#core/domain/accounts/account-schema.ts';
import { parseAccounts } from '#core/domain/accounts/parse-accounts.ts';
import { ConfigError } from '#core/domain/errors.ts';
import type { SmppEndpoint } from '../compute/bind-service.ts';
import { type AccountProps, SMPP_DEFAULTS } from '../props.ts';

// The `accounts` prop checked by the one parser the runtimes use (core/domain/accounts/
// parse-accounts.ts), so a file the bind-service or the API would refuse at start fails the synth
// instead, with the same message; and the JSON the runtimes get (SMPP_ACCOUNTS_JSON), with every
// secret as its ARN only.

/** One account with the parser's defaults applied. */
export interface SenderAccount extends SmppEndpoint {
  readonly name: string;
  readonly systemId: string;
  readonly throughput: number;
  readonly window: number;
  readonly binds: number;
  readonly senders: readonly string[];
  readonly prefixes: readonly string[];
  readonly principals?: readonly string[];
}

/** Where the parser reads the accounts from, in its messages. */
export const ACCOUNTS_SOURCE = 'SmsSender accounts';

/**
 * A secret's ARN CloudFormation fills in at deploy (an imported name, a secret the stack creates)
 * stands as this in the parser's eyes: the parser checks the ARN's shape, the token has none yet.
 */
const PLACEHOLDER_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:deploy-time-arn';

type ArnOf = (secret: secretsmanager.ISecret) => string;

const literalArn: ArnOf = (secret) =>
  Token.isUnresolved(secret.secretArn) ? PLACEHOLDER_SECRET_ARN : secret.secretArn;
const tokenArn: ArnOf = (secret) => secret.secretArn;

/**
 * A TLS client certificate or server name given with `tls: false` is refused: the bind-service
 * refuses SMPP_TLS_SECRET_ARN without SMPP_TLS, and leaving it out would deploy a login that sends
 * its password in clear text where a certificate was meant to be presented. `where` names the login.
 */
export function checkTlsSettings(
  where: string,
  login: { tls: boolean; tlsClientCertificate?: unknown; tlsServerName?: string | undefined },
): void {
  if (login.tls) return;
  const given = [
    ...(login.tlsClientCertificate ? ['tlsClientCertificate'] : []),
    ...(login.tlsServerName ? ['tlsServerName'] : []),
  ];
  if (given.length > 0) {
    throw new ConfigError(
      `${where}: ${given.join(' and ')} given with tls: false; set tls: true to connect with TLS, or leave ${given.length > 1 ? 'them' : 'it'} out`,
    );
  }
}

function portOf(account: AccountProps): number {
  return account.port ?? (account.tls ? SMPP_DEFAULTS.tlsPort : SMPP_DEFAULTS.port);
}

/** The SMPP_ACCOUNTS entry of `account`: what the bind-service needs (everything but passwords). */
function fileEntry(account: AccountProps, arnOf: ArnOf): AccountEntryInput {
  checkTlsSettings(`SmsSender accounts: "${account.name}"`, account);
  const certificate = account.tlsClientCertificate;
  const tlsObject = {
    ...(certificate ? { secretArn: arnOf(certificate) } : {}),
    ...(account.tlsServerName ? { servername: account.tlsServerName } : {}),
  };
  return {
    name: account.name,
    systemId: account.systemId,
    secretArn: arnOf(account.credentials),
    host: account.host,
    port: portOf(account),
    ...(account.backupHost ? { backupHost: account.backupHost } : {}),
    ...(account.systemType ? { systemType: account.systemType } : {}),
    tls: Object.keys(tlsObject).length > 0 ? tlsObject : account.tls,
    ...(account.throughput !== undefined ? { throughput: account.throughput } : {}),
    ...(account.window !== undefined ? { window: account.window } : {}),
    ...(account.binds !== undefined ? { binds: account.binds } : {}),
    ...(account.senders?.length ? { senders: [...account.senders] } : {}),
    ...(account.prefixes?.length ? { prefixes: [...account.prefixes] } : {}),
    ...(account.principals ? { principals: [...account.principals] } : {}),
  };
}

/**
 * What the API reads of an entry: name, routing, callers and systemType (its flags shape the 202).
 * The login fields the parser requires stay; the bind-service-only ones are left out, which keeps
 * the API Lambda's environment under its 4 KB.
 */
function apiEntry(account: AccountProps): AccountEntryInput {
  const {
    backupHost: _backup,
    tls: _tls,
    throughput: _rate,
    window: _window,
    binds: _binds,
    ...entry
  } = fileEntry(account, tokenArn);
  return { ...entry, tls: false };
}

/** The accounts, checked by the runtimes' parser (throws its AccountsConfigError), with defaults. */
export function resolveAccounts(accounts: readonly AccountProps[]): SenderAccount[] {
  const entries = accounts.map((account) => fileEntry(account, literalArn));
  const parsed = parseAccounts(JSON.stringify(entries), ACCOUNTS_SOURCE);
  return parsed.map((account, index) => {
    const given = accounts[index] as AccountProps;
    return {
      name: account.name,
      systemId: account.login.systemId,
      credentials: given.credentials,
      host: given.host,
      ...(given.backupHost ? { backupHost: given.backupHost } : {}),
      port: portOf(given),
      tls: given.tls,
      // With tls: false there is neither (fileEntry refused them).
      ...(given.tlsClientCertificate ? { tlsClientCertificate: given.tlsClientCertificate } : {}),
      ...(given.tlsServerName ? { tlsServerName: given.tlsServerName } : {}),
      systemType: account.systemType,
      throughput: account.login.throughput,
      window: account.login.window,
      binds: account.login.binds,
      senders: account.senders,
      prefixes: account.prefixes,
      ...(account.principals ? { principals: account.principals } : {}),
    };
  });
}

/** SMPP_ACCOUNTS_JSON for the bind-service: every field, secrets as ARNs (CloudFormation fills them in). */
export function bindServiceAccountsJson(scope: IConstruct, accounts: readonly AccountProps[]): string {
  return Stack.of(scope).toJsonString(accounts.map((account) => fileEntry(account, tokenArn)));
}

/** SMPP_ACCOUNTS_JSON for the API: only what it reads (apiEntry). */
export function apiAccountsJson(scope: IConstruct, accounts: readonly AccountProps[]): string {
  return Stack.of(scope).toJsonString(accounts.map(apiEntry));
}
