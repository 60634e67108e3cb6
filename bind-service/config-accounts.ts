// The accounts of the bind-service (issue 12): the SMPP_ACCOUNTS file when it is given, else the one
// `default` account of the SMPP_* variables. With the file, the per-login variables stay unset (the
// file describes every login), and the default account's login is fed to the usual checks as the
// variables it stands for, so a login from the file is validated exactly like one from variables.
import { accountsFromFile, defaultAccountPolicy, perLoginVariablesGiven } from '#core/config/accounts.ts';
import type { Env } from '#core/config/load-env.ts';
import { VAR } from '#core/config/variables.ts';
import type { Account, AccountList, AccountLogin, AccountPolicy } from '#core/domain/accounts/account.ts';
import type { SystemTypeFlags } from '#core/domain/provider/system-type.ts';
import { BindServiceConfigError } from './config-error.ts';

/**
 * An account as the bind-service knows it: its routing rules and flags, and its login when the
 * SMPP_ACCOUNTS file gave one. The default account of a deployment without the file has no `login`
 * here: its login is `smpp` (from the SMPP_* variables; with a secret, the systemId is in the secret).
 */
export type BindServiceAccount = AccountPolicy & { login?: AccountLogin };

/** The file's accounts and the environment with the default account's login in it; undefined without the file. */
export function fromFile(env: Env): { accounts: AccountList; env: Env } | undefined {
  const accounts = accountsFromFile(env);
  if (!accounts) return undefined;
  const given = perLoginVariablesGiven(env);
  if (given.length > 0) {
    throw new BindServiceConfigError(
      `Invalid bind-service configuration: ${given.join(', ')}: not used with ${VAR.SMPP_ACCOUNTS}; describe every login in its file`,
      [...given, VAR.SMPP_ACCOUNTS],
    );
  }
  return { accounts, env: { ...env, ...loginVariables(accounts[0]) } };
}

/** The one account of a deployment without SMPP_ACCOUNTS; its login is the SMPP_* variables. */
export function defaultAccount(systemType: { value: string; flags: SystemTypeFlags }): BindServiceAccount {
  return defaultAccountPolicy(systemType);
}

/**
 * The default account's login as the SMPP_* variables it stands for: this service binds it as it
 * binds a login given by variables, through the same checks. Its values come from the parsed file.
 */
function loginVariables(account: Account): Record<string, string> {
  const { login } = account;
  const [primary, backup] = login.hosts;
  const tls = login.tls;
  const vars: Record<string, string | undefined> = {
    [VAR.SMPP_HOST]: primary?.host,
    [VAR.SMPP_PORT]: primary ? String(primary.port) : undefined,
    [VAR.SMPP_BACKUP_HOST]: backup?.host,
    [VAR.SMPP_SYSTEM_ID]: login.credentials.kind === 'inline' ? login.systemId : undefined,
    [VAR.SMPP_PASSWORD]: login.credentials.kind === 'inline' ? login.credentials.password : undefined,
    [VAR.SMPP_SECRET_ARN]: login.credentials.kind === 'secret' ? login.credentials.secretArn : undefined,
    [VAR.SMPP_SYSTEM_TYPE]: account.systemType,
    [VAR.SMPP_TLS]: String(tls.enabled),
    [VAR.SMPP_TLS_CA]: tls.caPath,
    [VAR.SMPP_TLS_CERT]: tls.certPath,
    [VAR.SMPP_TLS_KEY]: tls.keyPath,
    [VAR.SMPP_TLS_SECRET_ARN]: tls.secretArn,
    [VAR.SMPP_TLS_SERVERNAME]: tls.servername,
    [VAR.SMPP_THROUGHPUT]: String(login.throughput),
    [VAR.SMPP_WINDOW]: String(login.window),
    [VAR.SMPP_BINDS]: String(login.binds),
  };
  return Object.fromEntries(
    Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The accounts as they may be logged: passwords replaced. */
export function describe(accounts: AccountList<BindServiceAccount>): unknown[] {
  return accounts.map(({ login, ...account }) =>
    login
      ? {
          ...account,
          login: {
            ...login,
            credentials:
              login.credentials.kind === 'inline' ? { kind: 'inline', password: '***' } : login.credentials,
          },
        }
      : account,
  );
}
