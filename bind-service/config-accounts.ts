// The accounts of the bind-service (issue 12): the SMPP_ACCOUNTS file when it is given, else the one
// `default` account of the SMPP_* variables. With the file, the per-login variables stay unset (the
// file describes every login), and each login is fed to the usual checks as the variables it stands
// for, so a login from the file is validated exactly like one from variables.
import { accountQueuesOf, queuePairOf } from '#core/config/account-queues.ts';
import { accountsFromFile, defaultAccountPolicy, perLoginVariablesGiven } from '#core/config/accounts.ts';
import type { Env } from '#core/config/load-env.ts';
import { VAR } from '#core/config/variables.ts';
import type { Account, AccountList, AccountPolicy } from '#core/domain/accounts/account.ts';
import type { SystemTypeFlags } from '#core/domain/provider/system-type.ts';
import type { AccountQueues } from './account/account-config.ts';
import { BindServiceConfigError } from './config-error.ts';

export interface AccountsFile {
  accounts: AccountList;
  /** The environment with `account`'s login in it as the SMPP_* variables it stands for. */
  envOf(account: Account): Env;
  /** The queue pair of an account other than the first (ACCOUNT_QUEUES). */
  queuesOf(name: string): AccountQueues;
}

/** The file's accounts; undefined without SMPP_ACCOUNTS. */
export function fromFile(env: Env): AccountsFile | undefined {
  const accounts = accountsFromFile(env);
  if (!accounts) return undefined;
  const given = perLoginVariablesGiven(env);
  if (given.length > 0) {
    throw new BindServiceConfigError(
      `Invalid bind-service configuration: ${given.join(', ')}: not used with ${VAR.SMPP_ACCOUNTS}; describe every login in its file`,
      [...given, VAR.SMPP_ACCOUNTS],
    );
  }
  const pairs = accountQueuesOf(env, accounts[0].name);
  return {
    accounts,
    envOf: (account) => ({ ...env, ...loginVariables(account) }),
    queuesOf: (name) => {
      const pair = queuePairOf(pairs, name);
      return {
        urgent: { url: pair.urgent, dlqUrl: pair.urgentDlq },
        bulk: { url: pair.bulk, dlqUrl: pair.bulkDlq },
      };
    },
  };
}

/** An account's routing rules and flags, without its login (the bind-service keeps that as `smpp`). */
export function policyOf({ login: _login, ...policy }: Account): AccountPolicy {
  return policy;
}

/** The one account of a deployment without SMPP_ACCOUNTS; its login is the SMPP_* variables. */
export function defaultAccount(systemType: { value: string; flags: SystemTypeFlags }): AccountPolicy {
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
    [VAR.SMPP_SYSTEM_ID]: login.systemId,
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
